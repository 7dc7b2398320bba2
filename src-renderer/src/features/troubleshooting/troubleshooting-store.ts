/**
 * The Troubleshooting screen's state and requests: the checks of this machine (`systemState.preflight`), and the
 * diagnostic report (`diagnostics.report`) exported as a file or copied. The browser's download and clipboard are
 * passed in, so tests drive the store with fakes.
 */
import type { BackupManagerApi, ErrorCode, PreflightResult } from '@contract';
import { create } from 'zustand';
import { reportFileContent, reportFileName } from './report-file';

export interface Failure {
  code: ErrorCode;
  message: string;
}

export type ChecksState =
  | { status: 'idle' }
  | { status: 'ready'; result: PreflightResult; checkedAt: Date }
  | { status: 'error'; failure: Failure };

export type ReportAction =
  | { status: 'idle' }
  | { status: 'working'; kind: 'export' | 'copy' }
  | { status: 'exported'; fileName: string }
  | { status: 'copied' }
  /** The clipboard refused: the text is shown, selected, for the user to copy by hand. */
  | { status: 'manual-copy'; text: string }
  | { status: 'error'; kind: 'export' | 'copy'; failure: Failure };

export interface TroubleshootingState {
  checks: ChecksState;
  /** True while the checks run; the previous results stay on screen meanwhile. */
  running: boolean;
  report: ReportAction;
}

export interface TroubleshootingActions {
  runChecks(): Promise<void>;
  exportReport(): Promise<void>;
  copyReport(): Promise<void>;
}

export type TroubleshootingStore = TroubleshootingState & TroubleshootingActions;

export interface TroubleshootingDeps {
  api: Pick<BackupManagerApi, 'invoke'>;
  download(name: string, text: string): void;
  /** The clipboard, when the platform has one. */
  clipboard?: { writeText(text: string): Promise<void> };
  now?: () => Date;
  /** How long a clipboard that neither answers nor refuses is waited for. */
  clipboardTimeoutMs?: number;
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error('the clipboard did not answer')), ms));
}

export function createTroubleshootingStore(deps: TroubleshootingDeps) {
  const now = deps.now ?? (() => new Date());
  return create<TroubleshootingStore>()((set, get) => ({
    checks: { status: 'idle' },
    running: false,
    report: { status: 'idle' },

    async runChecks() {
      if (get().running) return;
      set({ running: true });
      const result = await deps.api.invoke('systemState.preflight', {});
      set({
        running: false,
        checks: result.ok
          ? { status: 'ready', result: result.value, checkedAt: now() }
          : { status: 'error', failure: { code: result.code, message: result.message } },
      });
    },

    async exportReport() {
      if (get().report.status === 'working') return;
      set({ report: { status: 'working', kind: 'export' } });
      const result = await deps.api.invoke('diagnostics.report', {});
      if (!result.ok) {
        set({
          report: {
            status: 'error',
            kind: 'export',
            failure: { code: result.code, message: result.message },
          },
        });
        return;
      }
      const fileName = reportFileName(result.value.report);
      deps.download(fileName, reportFileContent(result.value.report));
      set({ report: { status: 'exported', fileName } });
    },

    async copyReport() {
      if (get().report.status === 'working') return;
      set({ report: { status: 'working', kind: 'copy' } });
      const result = await deps.api.invoke('diagnostics.report', {});
      if (!result.ok) {
        set({
          report: { status: 'error', kind: 'copy', failure: { code: result.code, message: result.message } },
        });
        return;
      }
      const { text } = result.value;
      try {
        if (!deps.clipboard) throw new Error('no clipboard');
        await Promise.race([deps.clipboard.writeText(text), timeout(deps.clipboardTimeoutMs ?? 3000)]);
        set({ report: { status: 'copied' } });
      } catch {
        set({ report: { status: 'manual-copy', text } });
      }
    },
  }));
}

export type TroubleshootingStoreApi = ReturnType<typeof createTroubleshootingStore>;
