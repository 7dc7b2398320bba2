import type { PreflightCheck, PreflightResult } from '@contract';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CheckCard } from './check-card';
import { ChecksOverview } from './checks-overview';
import { HelperUnavailable } from './helper-unavailable';
import { ReportPanel } from './report-panel';

const services: PreflightCheck = {
  id: 'services',
  status: 'fail',
  code: 'SERVICE_NOT_INSTALLED',
  title: 'Required services running and starting automatically',
  evidence: ['systemd is not running as PID 1', 'backup-manager-helper.service: state "unknown"'],
  fix: 'Start the helper by hand (backup-manager-helper) before a session. Install the Backup Manager package.',
  blocksBackup: false,
};
const freeSpace: PreflightCheck = {
  id: 'free-space',
  status: 'pass',
  code: 'OK',
  title: 'Free space for the snapshot',
  evidence: ['free there: 68.9 GiB'],
  fix: '',
  blocksBackup: false,
};
const result: PreflightResult = {
  checks: [freeSpace, services],
  overall: 'fail',
  location: '/',
  locationSource: 'default',
  freeSpace: null,
};
const noop = () => undefined;

describe('troubleshooting components', () => {
  it('shows a failed check with its anchor, status in words, code, evidence and numbered fix', () => {
    const html = renderToStaticMarkup(<CheckCard check={services} highlighted={false} />);
    expect(html).toContain('id="check-services"');
    expect(html).toContain('tabindex="-1"');
    expect(html).toMatch(/data-status="fail"><span[^>]*aria-hidden="true">✕<\/span>Failed</);
    expect(html).toContain('SERVICE_NOT_INSTALLED');
    expect(html).toContain('Backup Service Controller');
    expect(html).toContain('<li class="mono">systemd is not running as PID 1</li>');
    expect(html).toMatch(
      /<ol class="troubleshooting-steps"><li class="troubleshooting-step">Start the helper by hand.*<\/li><li class="troubleshooting-step">Install the Backup Manager package.<\/li><\/ol>/,
    );
  });

  it('shows a passing check without code or fix, and highlights a linked one', () => {
    const html = renderToStaticMarkup(<CheckCard check={freeSpace} highlighted />);
    expect(html).toContain('>Pass<');
    expect(html).not.toContain('Code:');
    expect(html).not.toContain('How to fix it');
    expect(html).toContain('troubleshooting-check-linked');
  });

  it('gives the overall status, the checks needing attention, and "Checking…" while running', () => {
    const idle = renderToStaticMarkup(
      <ChecksOverview result={result} checkedAt={new Date(0)} running={false} onRun={noop} onShow={noop} />,
    );
    expect(idle).toContain('>Run all checks<');
    expect(idle).toContain('1 check failed');
    expect(idle).toContain('Required services running and starting automatically</button>');
    expect(idle).toContain('snapshot location / (default)');
    const running = renderToStaticMarkup(
      <ChecksOverview result={result} checkedAt={new Date(0)} running onRun={noop} onShow={noop} />,
    );
    expect(running).toContain('aria-disabled="true"');
    expect(running).toContain('>Checking…<');
  });

  it('offers export and copy, and the selected text when the clipboard refused', () => {
    const html = renderToStaticMarkup(
      <ReportPanel report={{ status: 'manual-copy', text: 'REPORT' }} onExport={noop} onCopy={noop} />,
    );
    expect(html).toContain('>Export report<');
    expect(html).toContain('>Copy report<');
    expect(html).toContain('press Ctrl+C');
    expect(html).toMatch(
      /<textarea[^>]*readOnly=""[^>]*>REPORT<\/textarea>|<textarea[^>]*readonly=""[^>]*>REPORT<\/textarea>/,
    );
    const exported = renderToStaticMarkup(
      <ReportPanel report={{ status: 'exported', fileName: 'x.json' }} onExport={noop} onCopy={noop} />,
    );
    expect(exported).toContain('Saved x.json');
  });

  it('says honestly that the checks need the helper, and what to do', () => {
    const html = renderToStaticMarkup(
      <HelperUnavailable
        helper={{
          state: 'not-installed',
          detail: 'The helper service is not installed.',
          action: 'Install the Backup Manager package.',
          helperVersion: null,
        }}
      />,
    );
    expect(html).toContain('The checks cannot run: helper not installed');
    expect(html).toContain('The helper service is not installed.');
    expect(html).toContain('<strong>What to do:</strong> Install the Backup Manager package.');
    expect(html).toContain('What is checked');
    expect(html).not.toMatch(/spinner/i);
  });
});
