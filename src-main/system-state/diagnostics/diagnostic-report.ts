/**
 * The diagnostic report for the troubleshooting screen and the help desk: the checks (same as preflight), the
 * components with their evidence, the snapshot provider and location, and the machine — as JSON and as readable
 * text — with secrets removed (see redact.ts).
 */

import { formatBytes } from '../format-bytes';
import type { CheckResult } from '../preflight/check';
import { redactDeep, secretValuesFrom } from './redact';

export interface DiagnosticReport {
  generatedAt: string;
  product: string;
  machine: { hostname: string; platform: string; release: string; arch: string };
  snapshot: {
    provider: string;
    providerReason: string;
    location: string;
    locationSource: 'default' | 'settings' | 'override';
  };
  overall: 'pass' | 'warn' | 'fail';
  checks: CheckResult[];
  components: {
    id: string;
    title: string;
    detected: boolean;
    evidence: string[];
    estimate: { bytes: number; files: number };
  }[];
}

export function buildReport(report: DiagnosticReport, env: NodeJS.ProcessEnv): DiagnosticReport {
  return redactDeep(report, secretValuesFrom(env));
}

export function reportText(report: DiagnosticReport): string {
  const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;
  const lines = [
    `${report.product} — diagnostic report`,
    `Generated: ${report.generatedAt}`,
    `Machine: ${report.machine.hostname} (${report.machine.platform} ${report.machine.release}, ${report.machine.arch})`,
    `Snapshot provider: ${report.snapshot.provider} — ${report.snapshot.providerReason}`,
    `Snapshot location: ${report.snapshot.location} (${report.snapshot.locationSource})`,
    `Overall: ${mark[report.overall]}`,
    '',
    'Checks',
  ];
  for (const check of report.checks) {
    lines.push(`  [${mark[check.status]}] ${check.title}${check.code === 'OK' ? '' : ` (${check.code})`}`);
    for (const e of check.evidence) lines.push(`      - ${e}`);
    if (check.fix) lines.push(`      Fix: ${check.fix}`);
  }
  lines.push('', 'Components');
  for (const c of report.components) {
    lines.push(
      `  ${c.detected ? '[x]' : '[ ]'} ${c.title} — ${formatBytes(c.estimate.bytes)}, ${c.estimate.files} files`,
    );
    for (const e of c.evidence) lines.push(`      - ${e}`);
  }
  return lines.join('\n');
}
