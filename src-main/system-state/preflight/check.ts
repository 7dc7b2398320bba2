/**
 * What a preflight or troubleshooting check returns. The same shape is shown by the UI, printed by the CLI
 * (`{checks:[…]}`) and written into the diagnostic report, so a help-desk person sees the same words everywhere.
 */
import { z } from 'zod';
import type { CheckCode } from '../errors';

export const checkStatuses = ['pass', 'warn', 'fail'] as const;
export type CheckStatus = (typeof checkStatuses)[number];

export interface CheckResult {
  /** Stable id of the check, e.g. `free-space`, `services`, `vss-writers`. */
  id: string;
  status: CheckStatus;
  /** `OK` when it passes; otherwise the error code the helper and UI branch on. */
  code: CheckCode;
  title: string;
  /** What was observed, one fact per line, with numbers and command results. */
  evidence: string[];
  /** What to do about it ("" when nothing is needed). */
  fix: string;
}

export const checkResultSchema = z.object({
  id: z.string().min(1),
  status: z.enum(checkStatuses),
  code: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
  title: z.string().min(1),
  evidence: z.array(z.string()),
  fix: z.string(),
});

/** The worst status of a list: fail beats warn beats pass. */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.includes('warn')) return 'warn';
  return 'pass';
}
