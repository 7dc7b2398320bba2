/**
 * VSS writers (Windows): every writer must be Stable with no last error, and the writers System state depends on
 * must be present. A writer in any other state (Waiting for completion, Failed…) makes the shadow copy
 * inconsistent for its data. The System Writer is reported first: it owns the system files.
 */
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import type { VssWriter } from '../platform/windows/vssadmin-writers';
import {
  hasLastError,
  isWriterHealthy,
  parseVssWriters,
  requiredWriters,
} from '../platform/windows/vssadmin-writers';
import type { CheckResult } from './check';

const title = 'VSS writers stable';
const fixText =
  'Restart the services of the failing writers (System Writer: "Cryptographic Services"; Registry Writer and COM+ REGDB Writer: "Volume Shadow Copy"), ' +
  'or restart Windows; then run the check again. A writer "Waiting for completion" is still finishing another backup: wait for it to end. ' +
  'Details are in the Application event log (source VSS).';

export async function vssWritersCheck(runner: CommandRunner): Promise<CheckResult> {
  const result = await runner.run({ argv: ['vssadmin', 'list', 'writers'], timeoutMs: 120_000 });
  if (!succeeded(result) && !(result.kind === 'exited' && result.stdout.includes('Writer')))
    return {
      id: 'vss-writers',
      status: 'fail',
      code: 'VSS_UNAVAILABLE',
      title,
      evidence: [describeResult(result)],
      fix: fixText,
    };
  return evaluateVssWriters(result.kind === 'exited' ? result.stdout : '');
}

export function evaluateVssWriters(output: string): CheckResult {
  const { writers, errors } = parseVssWriters(output);
  const base = { id: 'vss-writers', title };
  if (writers.length === 0)
    return {
      ...base,
      status: 'fail',
      code: 'VSS_UNAVAILABLE',
      evidence: errors.length > 0 ? errors.map((e) => `vssadmin: ${e}`) : ['vssadmin listed no writers'],
      fix: `Restart the "Volume Shadow Copy" service (or Windows). ${fixText}`,
    };
  const systemFirst = [...writers].sort(
    (a, b) => Number(b.name === 'System Writer') - Number(a.name === 'System Writer'),
  );
  const unhealthy = systemFirst.filter((w) => !isWriterHealthy(w));
  const missing = requiredWriters.filter((name) => !writers.some((w) => w.name === name));
  const evidence = [
    ...unhealthy.map(describeWriter),
    ...missing.map((name) => `'${name}' is not in the list of writers`),
    ...errors.map((e) => `vssadmin: ${e}`),
    `${writers.length - unhealthy.length} of ${writers.length} writers Stable with no error`,
  ];
  if (unhealthy.length > 0)
    return { ...base, status: 'fail', code: 'VSS_WRITER_UNSTABLE', evidence, fix: fixText };
  if (missing.length > 0)
    return {
      ...base,
      status: 'fail',
      code: 'VSS_WRITER_MISSING',
      evidence,
      fix: 'Re-register the missing writers by restarting "Cryptographic Services" and "Volume Shadow Copy", or restart Windows.',
    };
  return { ...base, status: 'pass', code: 'OK', evidence, fix: '' };
}

function describeWriter(w: VssWriter): string {
  const state =
    w.stateNumber === null ? 'state not reported' : `[${w.stateNumber}] ${w.stateText ?? ''}`.trim();
  const error = hasLastError(w) ? `, last error: ${w.lastError}` : '';
  return `'${w.name}' ${state}${error}${w.instanceId ? ` (instance ${w.instanceId})` : ''}`;
}
