/**
 * Services the backed-up machine had enabled, against the target system: already enabled by the restored /etc,
 * to be enabled, or impossible because the unit file is not there (its package is missing). Enablement is
 * read from the target's files — `.wants/`, `.requires/`, `.upholds/` links and aliases under
 * /etc/systemd/system — and written with `systemctl --root`, which edits those links offline: the target is not
 * running, and systemd need not be PID 1 on the machine doing the restore.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { fromNodeError, SystemStateError } from '../errors';
import type { ServicePlanEntry } from './restore-analysis-model';
import { assertTargetRoot, readLinkInTarget, resolveInTarget } from './target-path';

/** Where systemd looks for system units, most specific first (/run is empty in a target that is not running). */
export const unitDirectories = [
  'etc/systemd/system',
  'usr/local/lib/systemd/system',
  'usr/lib/systemd/system',
  'lib/systemd/system',
] as const;

const unitTypes = 'service|socket|target|timer|path|mount|automount|swap|slice|device|scope';
/** systemd's unit name alphabet (`\x2d` escapes included); never a leading `-`, so never an option of systemctl. */
const unitNamePattern = new RegExp(
  `^[A-Za-z0-9:_\\\\][A-Za-z0-9:_.\\\\-]*(?:@[A-Za-z0-9:_.\\\\-]*)?\\.(?:${unitTypes})$`,
);

export function isUnitName(name: string): boolean {
  return name.length <= 255 && unitNamePattern.test(name);
}

/**
 * Units in `enabled` state from `systemctl list-unit-files --state=enabled --no-legend --no-pager` (`unit state
 * [preset]`); other states (alias, static, indirect, masked…) and a legend, if present, are ignored.
 */
export function parseEnabledUnits(text: string): string[] {
  const units: string[] = [];
  text.split('\n').forEach((line, index) => {
    const [unit, state] = line.trim().split(/\s+/);
    if (unit === undefined || state !== 'enabled') return;
    if (!isUnitName(unit))
      throw new SystemStateError(
        'UNEXPECTED_OUTPUT',
        `enabled units line ${index + 1}: not a unit name: ${JSON.stringify(unit.slice(0, 120))}`,
      );
    if (!units.includes(unit)) units.push(unit);
  });
  return units;
}

export async function planServices(input: {
  recordedEnabledUnits: string[];
  targetRoot: string;
}): Promise<ServicePlanEntry[]> {
  const root = assertTargetRoot(input.targetRoot);
  for (const unit of input.recordedEnabledUnits) assertUnitName(unit);
  const links = await enablementLinks(root);
  const entries: ServicePlanEntry[] = [];
  for (const unit of input.recordedEnabledUnits) {
    const file = await findUnitFile(root, unit);
    if (file.kind === 'masked') {
      entries.push({
        unit,
        action: 'unit-missing',
        detail: `masked in the target (etc/systemd/system/${unit} links to /dev/null): not enabled. Unmask it (systemctl --root=${root} unmask ${unit}) if it should run.`,
      });
      continue;
    }
    if (file.kind === 'missing') {
      entries.push({
        unit,
        action: 'unit-missing',
        detail: `no unit file ${unit}${templateOf(unit) ? ` (or ${templateOf(unit)})` : ''} in ${unitDirectories.join(', ')} of the target: the package that provides it is probably not installed.`,
      });
      continue;
    }
    const enabledBy = enablingLinks(links, unit);
    entries.push(
      enabledBy.length > 0
        ? { unit, action: 'already-enabled', detail: `enabled by ${enabledBy.join(', ')}` }
        : {
            unit,
            action: 'enable',
            detail: `unit file ${file.inTarget}; no enablement link in etc/systemd/system: systemctl --root=${root} enable ${unit}`,
          },
    );
  }
  return entries;
}

export async function enableServices(
  entries: ServicePlanEntry[],
  targetRoot: string,
  runner: CommandRunner,
): Promise<{ unit: string; ok: boolean; detail: string }[]> {
  const root = assertTargetRoot(targetRoot);
  const toEnable = entries.filter((e) => e.action === 'enable');
  for (const entry of toEnable) assertUnitName(entry.unit);
  const results: { unit: string; ok: boolean; detail: string }[] = [];
  for (const { unit } of toEnable) {
    const result = await runner.run({
      argv: ['systemctl', `--root=${root}`, 'enable', unit],
      timeoutMs: 60_000,
    });
    if (!succeeded(result)) {
      results.push({ unit, ok: false, detail: describeResult(result) });
      continue;
    }
    // systemctl exits 0 for a unit without an [Install] section, having created nothing: check the links.
    const enabledBy = enablingLinks(await enablementLinks(root), unit);
    const output = `${result.stdout}\n${result.stderr}`.trim().split('\n')[0] ?? '';
    results.push(
      enabledBy.length > 0
        ? { unit, ok: true, detail: `enabled: ${enabledBy.join(', ')}` }
        : {
            unit,
            ok: false,
            detail: `systemctl created no enablement link (the unit has no [Install] section, or its template no DefaultInstance)${output ? `: ${output}` : ''}`,
          },
    );
  }
  return results;
}

function assertUnitName(unit: string): void {
  if (!isUnitName(unit))
    throw new SystemStateError('INVALID_ARGUMENT', `not a systemd unit name: ${JSON.stringify(unit)}`);
}

/** `foo@bar.service` → `foo@.service`; null for a unit that is not a template instance. */
function templateOf(unit: string): string | null {
  const match = /^([^@]+)@(.+)(\.[a-z]+)$/.exec(unit);
  return match ? `${match[1]}@${match[3]}` : null;
}

type UnitFile = { kind: 'found'; inTarget: string } | { kind: 'masked' } | { kind: 'missing' };

async function findUnitFile(root: string, unit: string): Promise<UnitFile> {
  if ((await readLinkInTarget(root, `etc/systemd/system/${unit}`)) === '/dev/null') return { kind: 'masked' };
  const names = [unit, templateOf(unit)].filter((n): n is string => n !== null);
  for (const dir of unitDirectories)
    for (const name of names) {
      const found = await resolveInTarget(root, `${dir}/${name}`);
      if (found?.kind === 'file') return { kind: 'found', inTarget: found.inTarget };
    }
  return { kind: 'missing' };
}

interface EnablementLink {
  /** Where the link is, inside the target (`/etc/systemd/system/multi-user.target.wants/ssh.service`). */
  at: string;
  /** Its own name. */
  name: string;
  /** The unit it points to (basename of the link target), or null for a plain file. */
  pointsTo: string | null;
  /** In a `.wants/`-like folder (else a top-level alias). */
  dependency: boolean;
}

/** Every link under the target's /etc/systemd/system that can enable a unit. */
async function enablementLinks(root: string): Promise<EnablementLink[]> {
  const base = 'etc/systemd/system';
  const dir = await resolveInTarget(root, base);
  if (dir === null || dir.kind !== 'directory') return [];
  const links: EnablementLink[] = [];
  for (const entry of await list(dir.onHost)) {
    const at = `/${base}/${entry.name}`;
    if (/\.(wants|requires|upholds)$/.test(entry.name)) {
      const sub = await resolveInTarget(root, at);
      if (sub?.kind !== 'directory') continue;
      for (const dependency of await list(sub.onHost)) {
        const target = await readLinkInTarget(root, `${at}/${dependency.name}`);
        links.push({
          at: `${at}/${dependency.name}`,
          name: dependency.name,
          pointsTo: target === null ? null : path.posix.basename(target),
          dependency: true,
        });
      }
    } else if (entry.isSymbolicLink()) {
      const target = await readLinkInTarget(root, at);
      if (target !== null && target !== '/dev/null')
        links.push({ at, name: entry.name, pointsTo: path.posix.basename(target), dependency: false });
    }
  }
  return links;
}

/**
 * The links that enable `unit`: a dependency link named after it (for a template, one of its instances), or an
 * alias — a top-level link of another name pointing to it (`display-manager.service -> …/gdm3.service`).
 */
function enablingLinks(links: readonly EnablementLink[], unit: string): string[] {
  const isTemplate = /@\.[a-z]+$/.test(unit);
  const [prefix, suffix] = isTemplate ? unit.split('@.') : [unit, ''];
  return links
    .filter((link) => {
      if (link.dependency)
        return isTemplate
          ? link.name.startsWith(`${prefix}@`) && link.name.endsWith(`.${suffix}`) && link.name !== unit
          : link.name === unit;
      return link.name !== unit && link.pointsTo === unit;
    })
    .map((link) => link.at.slice(1))
    .sort();
}

async function list(dirOnHost: string) {
  try {
    return await readdir(dirOnHost, { withFileTypes: true });
  } catch (error) {
    throw fromNodeError(error, `listing ${dirOnHost}`);
  }
}
