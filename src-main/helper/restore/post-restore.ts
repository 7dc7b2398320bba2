/**
 * The post-restore phase of a Linux restore: the plan is made again against the restored target (before the
 * restore the target may have been an empty folder, so services, packages and boot tools could not be judged),
 * then acted on where the user allowed it — UUIDs rewritten in the restored configuration, recorded services
 * enabled — and the rest turned into the checklist the wizard shows: missing packages with their install command,
 * the boot repair to confirm, the disk layout script saved for review (never executed).
 */
import { chmod, writeFile } from 'node:fs/promises';
import type { RestoreChecklistItem, RestorePlan, RestoreTarget } from '../../helper-protocol/restore-model';
import type { CommandRunner } from '../../system-state/command-runner/command-runner';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';
import { enableServices } from '../../system-state/restore/services-plan';
import { isInside } from '../sessions/session-paths';
import { remapConfigFile } from './config-remap';
import type { RestoreInputs } from './restore-inputs';
import { diskLayoutScriptFileOf } from './restore-job-report';
import type { JobControl } from './restore-jobs';
import { buildRestorePlan } from './restore-planner';

export interface PlanChoices {
  components: string[];
  target: RestoreTarget;
  uuidOverrides: Record<string, string>;
  diskMap: Record<string, string>;
  sysvolMode: 'authoritative' | 'non-authoritative' | null;
}

export interface PostRestoreInput {
  inputs: RestoreInputs;
  choices: PlanChoices;
  targetRoot: string;
  includePaths: readonly string[];
  remapUuids: boolean;
  enableServices: boolean;
  here: MachineManifest;
  runner: CommandRunner;
  stateDir: string;
}

export async function runPostRestore(control: JobControl, input: PostRestoreInput): Promise<RestorePlan> {
  control.setPhase('post-restore');
  const plan = await buildRestorePlan(
    input.inputs,
    { ...input.choices, targetRoot: input.targetRoot },
    { here: input.here, runner: input.runner },
  );
  control.report.plan = plan;
  control.check(await remapUuids(control, plan, input));
  control.check(await enableRecordedServices(control, plan, input));
  control.check(missingPackagesItem(plan));
  control.check(bootRepairItem(plan));
  control.check(await saveDiskLayoutScript(control, plan, input.stateDir));
  if (plan.windows !== null) control.check(windowsStepsItem(plan));
  return plan;
}

const restored = (file: string, includePaths: readonly string[]) =>
  includePaths.some((include) => file === include || isInside(file, include));

async function remapUuids(
  control: JobControl,
  plan: RestorePlan,
  input: PostRestoreInput,
): Promise<RestoreChecklistItem> {
  const item = { id: 'uuid-remap', title: 'Filesystem UUIDs in the restored configuration' };
  const entries = plan.uuidRemap.entries.filter((entry) =>
    entry.references.some((reference) => restored(reference.file, input.includePaths)),
  );
  const unresolved = entries.filter((entry) => entry.to === null);
  const toEdit = unresolved.flatMap((entry) =>
    entry.references.map((r) => `${r.file}:${r.line} (UUID ${entry.from}: ${entry.reason})`),
  );
  if (entries.length === 0)
    return {
      ...item,
      status: 'done',
      detail: 'Every filesystem UUID the restored configuration names exists here: nothing to change.',
    };
  if (!input.remapUuids)
    return {
      ...item,
      status: 'todo',
      detail: `Left as recorded (remapping was turned off). Edit: ${entries
        .flatMap((e) =>
          e.references.map((r) => `${r.file}:${r.line} (UUID ${e.from}${e.to ? ` → ${e.to}` : ''})`),
        )
        .join('; ')}.`,
    };
  const mapping = new Map(
    entries.flatMap((entry) => (entry.to === null ? [] : [[entry.from, entry.to] as [string, string]])),
  );
  const files = [
    ...new Set(
      entries
        .filter((entry) => entry.to !== null)
        .flatMap((entry) => entry.references.map((r) => r.file))
        .filter((file) => restored(file, input.includePaths)),
    ),
  ].sort();
  const rewritten: string[] = [];
  const failed: string[] = [];
  for (const file of files) {
    try {
      const replaced = await remapConfigFile(input.targetRoot, file, mapping);
      if (replaced > 0) rewritten.push(`${file} (${replaced})`);
      control.log('info', `UUID remap: ${file}: ${replaced} replaced`);
    } catch (error) {
      failed.push(`${file}: ${(error as Error).message}`);
      control.log('error', `UUID remap: ${file}: ${(error as Error).message}`);
    }
  }
  const mapped = [...mapping].map(([from, to]) => `${from} → ${to}`).join(', ');
  const done =
    mapping.size > 0 ? `Rewritten: ${rewritten.join(', ') || 'no file needed it'} (${mapped}).` : '';
  if (failed.length > 0)
    return { ...item, status: 'failed', detail: `${done} Not rewritten: ${failed.join('; ')}.`.trim() };
  if (toEdit.length > 0)
    return {
      ...item,
      status: 'todo',
      detail:
        `${done} No filesystem here matches these; edit them before booting: ${toEdit.join('; ')}.`.trim(),
    };
  return { ...item, status: 'done', detail: done };
}

async function enableRecordedServices(
  control: JobControl,
  plan: RestorePlan,
  input: PostRestoreInput,
): Promise<RestoreChecklistItem> {
  const item = { id: 'services', title: 'Services that were enabled on the backed-up machine' };
  if (plan.services.length === 0)
    return { ...item, status: 'skipped', detail: 'The session recorded no enabled services.' };
  const already = plan.services.filter((s) => s.action === 'already-enabled').map((s) => s.unit);
  const toEnable = plan.services.filter((s) => s.action === 'enable').map((s) => s.unit);
  const missing = plan.services.filter((s) => s.action === 'unit-missing').map((s) => s.unit);
  const parts = [
    already.length > 0 ? `Already enabled by the restored configuration: ${already.join(', ')}.` : '',
  ];
  let failed: string[] = [];
  if (toEnable.length > 0 && !input.enableServices)
    parts.push(`Not enabled (turned off): ${toEnable.join(', ')}.`);
  else if (toEnable.length > 0) {
    const results = await enableServices(
      plan.services.map((s) => ({ unit: s.unit, action: s.action, detail: s.detail })),
      input.targetRoot,
      input.runner,
    );
    for (const result of results)
      control.log(result.ok ? 'info' : 'error', `enable ${result.unit}: ${result.detail}`);
    const enabled = results.filter((r) => r.ok).map((r) => r.unit);
    failed = results.filter((r) => !r.ok).map((r) => `${r.unit} (${r.detail})`);
    if (enabled.length > 0) parts.push(`Enabled: ${enabled.join(', ')}.`);
    if (failed.length > 0) parts.push(`Could not be enabled: ${failed.join('; ')}.`);
  }
  if (missing.length > 0)
    parts.push(`Not installed here (install their packages, then enable them): ${missing.join(', ')}.`);
  const detail = parts.filter(Boolean).join(' ');
  if (failed.length > 0) return { ...item, status: 'failed', detail };
  if (missing.length > 0 || (toEnable.length > 0 && !input.enableServices))
    return { ...item, status: 'todo', detail };
  return { ...item, status: 'done', detail };
}

function missingPackagesItem(plan: RestorePlan): RestoreChecklistItem {
  const item = { id: 'packages', title: 'Packages of the backed-up machine' };
  const packages = plan.missingPackages;
  if (packages === null)
    return { ...item, status: 'skipped', detail: 'The session recorded no package selection.' };
  const notes = packages.notes.length > 0 ? ` ${packages.notes.join(' ')}` : '';
  if (packages.missing.length === 0)
    // Nothing missing *and* something noted: usually nothing could be compared (no package database yet).
    return packages.notes.length > 0
      ? { ...item, status: 'todo', detail: `No missing package was found, but:${notes}` }
      : {
          ...item,
          status: 'done',
          detail: `All ${packages.recorded} recorded packages are installed in the target.`,
        };
  return {
    ...item,
    status: 'todo',
    detail:
      `${packages.missing.length} of ${packages.recorded} recorded packages are not installed in the target: ` +
      `${packages.missing.join(' ')}. Install them with: ${packages.installCommand ?? '(no command: see the notes)'}.${notes}`,
  };
}

function bootRepairItem(plan: RestorePlan): RestoreChecklistItem {
  const item = { id: 'boot-repair', title: 'Boot repair (initramfs and bootloader for this machine)' };
  const repair = plan.bootRepair;
  if (repair === null)
    return { ...item, status: 'skipped', detail: 'No boot repair applies to this restore.' };
  const steps = repair.steps.map((s) => `${s.title}${s.available ? '' : ` (not available: ${s.reason})`}`);
  if (!repair.steps.some((s) => s.available))
    return {
      ...item,
      status: 'skipped',
      detail: `No boot repair step can run in this target: ${steps.join('; ')}. Repair the boot by hand if this system is to start.`,
    };
  return {
    ...item,
    status: 'todo',
    detail: `Confirm in the wizard to run: ${steps.join('; ')}.${repair.notes.length > 0 ? ` ${repair.notes.join(' ')}` : ''}`,
  };
}

async function saveDiskLayoutScript(
  control: JobControl,
  plan: RestorePlan,
  stateDir: string,
): Promise<RestoreChecklistItem> {
  const item = { id: 'disk-layout-script', title: 'Disk layout script' };
  if (plan.diskLayoutScript === null)
    return { ...item, status: 'skipped', detail: 'The session recorded no disk layout to recreate.' };
  const file = diskLayoutScriptFileOf(stateDir, control.job.id);
  await writeFile(file, plan.diskLayoutScript.script, { mode: 0o600 });
  await chmod(file, 0o600); // an existing file keeps its mode with writeFile
  control.report.diskLayoutScriptFile = file;
  const warnings =
    plan.diskLayoutScript.warnings.length > 0 ? ` Warnings: ${plan.diskLayoutScript.warnings.join(' ')}` : '';
  return {
    ...item,
    status: 'done',
    detail: `Saved for review at ${file} (not executed: it recreates the backed-up partitions and erases the disks it names).${warnings}`,
  };
}

function windowsStepsItem(plan: RestorePlan): RestoreChecklistItem {
  const windows = plan.windows;
  const steps = windows?.steps.map((s) => s.title) ?? [];
  return {
    id: 'windows-steps',
    title: 'Windows restore steps',
    status: 'todo',
    detail: `${steps.length} steps on the Windows machine: ${steps.join('; ')}.${
      windows && windows.requirements.length > 0 ? ` Requires: ${windows.requirements.join(' ')}` : ''
    }`,
  };
}
