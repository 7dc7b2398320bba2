import type { BackupManagerApi, DiagnosticReport, PreflightResult } from '@contract';
import { describe, expect, it, vi } from 'vitest';
import { createTroubleshootingStore, type TroubleshootingDeps } from './troubleshooting-store';

const preflight: PreflightResult = {
  checks: [
    {
      id: 'free-space',
      status: 'pass',
      code: 'OK',
      title: 'Free space',
      evidence: ['free there: 9 GiB'],
      fix: '',
      blocksBackup: false,
    },
  ],
  overall: 'pass',
  location: '/',
  locationSource: 'default',
  freeSpace: null,
};

const report: DiagnosticReport = {
  generatedAt: '2026-03-04T05:06:07.000Z',
  product: 'Backup Manager',
  machine: { hostname: 'pc', platform: 'linux', release: '6', arch: 'x64' },
  snapshot: { provider: 'temp-copy', providerReason: 'ext4', location: '/', locationSource: 'default' },
  overall: 'pass',
  checks: preflight.checks,
  components: [],
};

function fakeApi(answers: Record<string, unknown>): Pick<BackupManagerApi, 'invoke'> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    invoke: (async (channel: string) => {
      calls.push(channel);
      const answer = answers[channel];
      return answer instanceof Error
        ? { ok: false, code: 'HELPER_UNAVAILABLE', message: answer.message }
        : { ok: true, value: answer };
    }) as BackupManagerApi['invoke'],
  };
}

function store(deps: Partial<TroubleshootingDeps> & Pick<TroubleshootingDeps, 'api'>) {
  return createTroubleshootingStore({ download: vi.fn(), ...deps });
}

describe('troubleshooting store', () => {
  it('runs the checks, marking the run while it lasts, and keeps the result', async () => {
    const api = fakeApi({ 'systemState.preflight': preflight });
    const s = store({ api, now: () => new Date(0) });
    const run = s.getState().runChecks();
    expect(s.getState().running).toBe(true);
    // A second click while running is ignored.
    await s.getState().runChecks();
    await run;
    expect(api.calls).toEqual(['systemState.preflight']);
    expect(s.getState().running).toBe(false);
    expect(s.getState().checks).toEqual({ status: 'ready', result: preflight, checkedAt: new Date(0) });
  });

  it('keeps the code and message when the checks cannot run', async () => {
    const s = store({ api: fakeApi({ 'systemState.preflight': new Error('The helper is not installed.') }) });
    await s.getState().runChecks();
    expect(s.getState().checks).toEqual({
      status: 'error',
      failure: { code: 'HELPER_UNAVAILABLE', message: 'The helper is not installed.' },
    });
  });

  it('exports the report as a dated JSON file', async () => {
    const download = vi.fn();
    const s = store({ api: fakeApi({ 'diagnostics.report': { report, text: 'TEXT' } }), download });
    await s.getState().exportReport();
    expect(download).toHaveBeenCalledOnce();
    const [name, content] = download.mock.calls[0] as [string, string];
    expect(name).toBe('backup-manager-diagnostics-2026-03-04.json');
    expect(JSON.parse(content)).toEqual(report);
    expect(s.getState().report).toEqual({ status: 'exported', fileName: name });
  });

  it('copies the report text, or offers it to copy by hand when the clipboard refuses or hangs', async () => {
    const api = fakeApi({ 'diagnostics.report': { report, text: 'TEXT' } });
    const writeText = vi.fn(async () => undefined);
    const ok = store({ api, clipboard: { writeText } });
    await ok.getState().copyReport();
    expect(writeText).toHaveBeenCalledWith('TEXT');
    expect(ok.getState().report).toEqual({ status: 'copied' });

    const refused = store({ api, clipboard: { writeText: async () => Promise.reject(new Error('denied')) } });
    await refused.getState().copyReport();
    expect(refused.getState().report).toEqual({ status: 'manual-copy', text: 'TEXT' });

    const hanging = store({
      api,
      clipboard: { writeText: () => new Promise(() => undefined) },
      clipboardTimeoutMs: 10,
    });
    await hanging.getState().copyReport();
    expect(hanging.getState().report).toEqual({ status: 'manual-copy', text: 'TEXT' });

    const none = store({ api });
    await none.getState().copyReport();
    expect(none.getState().report.status).toBe('manual-copy');
  });

  it('says why the report could not be made', async () => {
    const s = store({ api: fakeApi({ 'diagnostics.report': new Error('no helper') }) });
    await s.getState().copyReport();
    expect(s.getState().report).toEqual({
      status: 'error',
      kind: 'copy',
      failure: { code: 'HELPER_UNAVAILABLE', message: 'no helper' },
    });
  });
});
