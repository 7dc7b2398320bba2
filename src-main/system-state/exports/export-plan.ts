/**
 * Exports: what System state needs that is not a plain file (partition tables, LVM metadata, EFI entries,
 * package selections, registry hives…), produced by OS tools into the staging folder under the snapshot
 * location, then backed up with the files. Each export is a plan step (argv + output file), so the plans are
 * testable without running them, and a missing tool becomes evidence on the step instead of a failure.
 */
import type { Argv } from '../command-runner/command-runner';

export interface ExportStep {
  id: string;
  componentId: string;
  argv: Argv;
  /** File (relative to the staging folder) that receives the tool's standard output; null when the tool writes it. */
  stdoutFile: string | null;
  /** Files the tool itself writes (relative to the staging folder), for the result listing. */
  writes?: string[];
  /** Text written to the tool's standard input (diskpart reads its script from there). */
  input?: string;
  /** Exit codes that still mean success (e.g. `mdadm --detail --scan` prints nothing and exits 0 without arrays). */
  okExitCodes?: number[];
  timeoutMs?: number;
}

export type ExportOutcome = 'written' | 'tool-missing' | 'failed';

export interface ExportResult {
  id: string;
  componentId: string;
  outcome: ExportOutcome;
  files: string[];
  evidence: string;
}
