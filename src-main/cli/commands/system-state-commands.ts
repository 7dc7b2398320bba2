/** `backup-manager system-state components|estimate|preflight|diagnose [--json]`. */

import { reportText } from '../../system-state/diagnostics/diagnostic-report';
import { formatBytes } from '../../system-state/format-bytes';
import type { CheckResult } from '../../system-state/preflight/check';
import { optionValue } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { systemStateFor } from './system-state-context';

const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

export const systemStateComponentsCommand: CliCommand = {
  path: ['system-state', 'components'],
  summary: 'List the System state components of this machine, detected or not, with evidence and size',
  usage: 'Usage: backup-manager system-state components [--json]',
  options: {},
  async run(_args, { out, env }) {
    const components = await systemStateFor(env).components();
    out.result(
      {
        components: components.map(({ id, title, detected, evidence, estimate }) => ({
          id,
          title,
          detected,
          evidence,
          estimate,
        })),
      },
      () =>
        components
          .map((c) =>
            [
              `${c.detected ? '[x]' : '[ ]'} ${c.title} (${c.id}) — ${formatBytes(c.estimate.bytes)}, ${c.estimate.files} files`,
              ...c.evidence.map((e) => `      ${e}`),
            ].join('\n'),
          )
          .join('\n'),
    );
    return 0;
  },
};

export const systemStateEstimateCommand: CliCommand = {
  path: ['system-state', 'estimate'],
  summary: 'Estimate the size of System state (what a snapshot can grow to)',
  usage: 'Usage: backup-manager system-state estimate [--json]',
  options: {},
  async run(_args, { out, env }) {
    const service = systemStateFor(env);
    const components = await service.components();
    const estimate = await service.estimate(components);
    const detected = components.filter((c) => c.detected).map((c) => ({ id: c.id, ...c.estimate }));
    out.result({ estimate, components: detected }, () =>
      [
        `System state: ${formatBytes(estimate.bytes)} in ${estimate.files} files`,
        ...detected.map((c) => `  ${c.id}: ${formatBytes(c.bytes)}, ${c.files} files`),
      ].join('\n'),
    );
    return 0;
  },
};

export const systemStatePreflightCommand: CliCommand = {
  path: ['system-state', 'preflight'],
  summary:
    'Run the preflight checks (free space, services, provider health, 2 TB rule…); exit 1 when one fails',
  usage: [
    'Usage: backup-manager system-state preflight [--snapshot-location PATH] [--json]',
    '',
    '  --snapshot-location PATH   evaluate this location instead of the saved one (nothing is saved)',
    '',
    'Free space: a snapshot can grow to the size of what it captures, so the check fails (INSUFFICIENT_SPACE)',
    'under 1.1 x the System state estimate free on the snapshot location, warns (LOW_FREE_SPACE) under 1.5 x,',
    'and its fix names the local drive with the most free space. Exit 1 when a check fails.',
  ].join('\n'),
  options: { 'snapshot-location': { value: true } },
  async run(args, { out, env }) {
    const result = await systemStateFor(env).preflight(optionValue(args, 'snapshot-location'));
    out.result(
      {
        checks: result.checks.map(({ id, status, code, title, evidence, fix }) => ({
          id,
          status,
          code,
          title,
          evidence,
          fix,
        })),
      },
      () => humanChecks(result.checks),
    );
    return result.checks.some((c) => c.status === 'fail') ? 1 : 0;
  },
};

export const systemStateDiagnoseCommand: CliCommand = {
  path: ['system-state', 'diagnose'],
  summary: 'Run every troubleshooting check and print a report to hand to a help desk (no secrets in it)',
  usage: 'Usage: backup-manager system-state diagnose [--json]',
  options: {},
  async run(_args, { out, env }) {
    const report = await systemStateFor(env).diagnose();
    out.result(report, () => reportText(report));
    return 0;
  },
};

function humanChecks(checks: readonly CheckResult[]): string {
  return checks
    .map((c) =>
      [
        `[${mark[c.status]}] ${c.title}${c.code === 'OK' ? '' : ` (${c.code})`}`,
        ...c.evidence.map((e) => `      ${e}`),
        ...(c.fix ? [`      Fix: ${c.fix}`] : []),
      ].join('\n'),
    )
    .join('\n');
}

export const systemStateCommands: readonly CliCommand[] = [
  systemStateComponentsCommand,
  systemStateEstimateCommand,
  systemStatePreflightCommand,
  systemStateDiagnoseCommand,
];
