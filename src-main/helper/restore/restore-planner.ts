/**
 * The wizard's two verdicts before anything is written: how the backed-up machine compares with this one (the
 * compatibility report) and what a restore with the user's choices would do (the restore plan: UUID remap, boot
 * repair, services, missing packages, the disk layout script; the Windows steps for a Windows session). The
 * judgement is the pure planners' of system-state/restore/; this module feeds them the session's recorded inputs
 * and this machine's manifest, and maps their results onto the wire shapes field by field.
 *
 * Services, missing packages and boot tools are looked up in the *target root*. Planned before the restore, the
 * target may not hold a system yet (or not the restored /etc): the plan says so in its notes, and the restore job
 * plans again once the files are in place.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  CompatibilityReport,
  RestoreCheckStatus,
  RestorePlan,
  RestoreTarget,
  CompatibilityItem as WireCompatibilityItem,
} from '../../helper-protocol/restore-model';
import type { CommandRunner } from '../../system-state/command-runner/command-runner';
import { fromNodeError, isSystemStateError } from '../../system-state/errors';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';
import { bootDiskFor, planBootRepair, probeBootTools } from '../../system-state/restore/boot-repair-plan';
import { compatibilityReport } from '../../system-state/restore/compatibility-report';
import { findUuidReferences } from '../../system-state/restore/config-references';
import { diskLayoutScript } from '../../system-state/restore/disk-layout-script';
import { findMissingPackages } from '../../system-state/restore/missing-packages';
import type {
  CompatibilityItem,
  CompatibilityItemId,
  RecordedLayout,
} from '../../system-state/restore/restore-analysis-model';
import { parseEnabledUnits, planServices } from '../../system-state/restore/services-plan';
import { planUuidRemap } from '../../system-state/restore/uuid-remap';
import { windowsRestorePlan } from '../../system-state/restore/windows-restore-plan';
import { isInside } from '../sessions/session-paths';
import { chosenComponents, includePathsFor, osFamilyOf, type RestoreInputs } from './restore-inputs';

const statusRank: Record<RestoreCheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

function worst(statuses: readonly RestoreCheckStatus[]): RestoreCheckStatus {
  return statuses.reduce<RestoreCheckStatus>((w, s) => (statusRank[s] > statusRank[w] ? s : w), 'pass');
}

/** The session's machine against `here`, item by item; overall is the worst item. */
export function buildCompatibilityReport(inputs: RestoreInputs, here: MachineManifest): CompatibilityReport {
  const backedUp = inputs.manifest ?? standInManifest(inputs);
  let items = compatibilityReport({
    backedUp,
    here,
    configFiles: inputs.configFiles,
    layout: inputs.layout,
  });
  if (inputs.manifest === null) items = items.map((item) => withoutManifest(item, inputs, here));
  return {
    backedUpHostname: inputs.snapshot.hostname ?? inputs.manifest?.hostname ?? '',
    thisHostname: here.hostname,
    items: items.map(toWireItem),
    overall: worst(items.map((i) => i.status)),
    manifestFound: inputs.manifest !== null,
  };
}

function toWireItem(item: CompatibilityItem): WireCompatibilityItem {
  return {
    id: item.id,
    title: item.title,
    status: item.status,
    explanation: item.explanation,
    action: item.action,
    evidence: [...item.evidence],
  };
}

/**
 * What stands in for the manifest of a session that has none: what is known (hostname, OS family from its
 * components or paths) and "unknown" for the rest, so that the items that need only the configuration files and
 * the layout exports (UUIDs, network interfaces, partition tables) are still compared.
 */
function standInManifest(inputs: RestoreInputs): MachineManifest {
  return {
    version: 1,
    collectedAt: inputs.snapshot.time,
    hostname: inputs.snapshot.hostname ?? '',
    os: { family: osFamilyOf(inputs), name: 'unknown', version: 'unknown', id: null, serverEdition: null },
    kernel: 'unknown',
    arch: 'unknown',
    bootMode: 'unknown',
    disks: [],
    filesystems: [],
    networkInterfaces: [],
    cpu: { model: 'unknown', logicalCores: 0 },
    notes: ['no machine manifest in the session'],
  };
}

function hasLayoutExports(layout: RecordedLayout): boolean {
  return layout.sfdisk.length > 0 || layout.lsblkJson !== null || layout.diskpartListDisk !== null;
}

/** Items that a missing manifest leaves undecided become a warning that says so, instead of a guess. */
function withoutManifest(
  item: CompatibilityItem,
  inputs: RestoreInputs,
  here: MachineManifest,
): CompatibilityItem {
  const evidence = [
    `session ${inputs.snapshot.id.slice(0, 8)}: no machine manifest (made by an older version)`,
  ];
  const unknown = (explanation: string, action: string): CompatibilityItem => ({
    ...item,
    status: 'warn',
    explanation,
    action,
    evidence: [...evidence, ...item.evidence.filter((line) => !/unknown/i.test(line))],
  });
  switch (item.id satisfies CompatibilityItemId) {
    case 'os':
      // A different OS family is known from the session's components and paths: that verdict stands.
      if (osFamilyOf(inputs) !== here.os.family) return item;
      return unknown(
        `The session does not record which ${here.os.family === 'linux' ? 'distribution' : 'Windows edition'} and version the backed-up machine ran, so it cannot be compared with ${here.os.name} ${here.os.version}.`,
        'Restore onto the same distribution and release the backed-up machine ran, if you know it.',
      );
    case 'arch':
      return unknown(
        `The session does not record the backed-up machine's processor architecture; this machine is ${here.arch}.`,
        'Make sure the backed-up machine had the same architecture before applying the restore to this system.',
      );
    case 'boot-mode':
      return unknown(
        `The session does not record whether the backed-up machine booted with UEFI or BIOS; this machine boots with ${here.bootMode}.`,
        'Run the boot repair after the restore so that the bootloader matches this machine.',
      );
    case 'disks':
      if (hasLayoutExports(inputs.layout)) return item;
      return unknown(
        'The session records neither a machine manifest nor disk layout exports, so the disks it needs are not known.',
        'Check that this machine has at least as much disk space as the backed-up one used.',
      );
    default:
      return item;
  }
}

export interface RestorePlanRequest {
  components: string[];
  target: RestoreTarget;
  targetRoot: string;
  uuidOverrides: Record<string, string>;
  diskMap: Record<string, string>;
  sysvolMode: 'authoritative' | 'non-authoritative' | null;
}

export interface RestorePlanDeps {
  here: MachineManifest;
  runner: CommandRunner;
}

/**
 * What restoring the chosen components into `request.targetRoot` would do. UNKNOWN_COMPONENT / NO_SELECTION as
 * includePathsFor. Linux parts are null (or empty) for a Windows session and the other way round.
 */
export async function buildRestorePlan(
  inputs: RestoreInputs,
  request: RestorePlanRequest,
  deps: RestorePlanDeps,
): Promise<RestorePlan> {
  const components = chosenComponents(inputs, request.components);
  const include = includePathsFor(inputs, request.components);
  const notes = [...inputs.notes];
  const base = {
    snapshotId: inputs.snapshot.id,
    target: request.target,
    targetRoot: request.targetRoot,
    components: components.map((c) => ({ id: c.id, title: c.title, paths: [...c.paths] })),
  };
  if (osFamilyOf(inputs) === 'windows') {
    const windows =
      inputs.manifest === null
        ? null
        : windowsRestorePlan({
            manifest: inputs.manifest,
            componentIds: components.map((c) => c.id),
            sysvolMode: request.sysvolMode,
            recorded: inputs.windows,
          });
    if (windows === null)
      notes.push(
        'Without a machine manifest the Windows restore steps cannot be planned (domain controller, boot mode).',
      );
    return {
      ...base,
      uuidRemap: { entries: [], unresolved: 0 },
      bootRepair: null,
      services: [],
      missingPackages: null,
      diskLayoutScript: null,
      windows:
        windows === null
          ? null
          : {
              domainController: windows.domainController,
              sysvolMode: windows.sysvolMode,
              requirements: [...windows.requirements],
              steps: windows.steps.map((s) => ({
                id: s.id,
                title: s.title,
                detail: s.detail,
                requires: s.requires,
                commands: s.commands.map((argv) => [...argv]),
              })),
              warnings: [...windows.warnings],
            },
      notes,
    };
  }
  return { ...base, ...(await linuxParts(inputs, request, deps, include, notes)), windows: null, notes };
}

type LinuxParts = Pick<
  RestorePlan,
  'uuidRemap' | 'bootRepair' | 'services' | 'missingPackages' | 'diskLayoutScript'
>;

async function linuxParts(
  inputs: RestoreInputs,
  request: RestorePlanRequest,
  deps: RestorePlanDeps,
  include: readonly string[],
  notes: string[],
): Promise<LinuxParts> {
  const { targetRoot } = request;
  const chosen = new Set(request.components);
  // The remap rewrites restored files: only configuration that this restore writes counts.
  const restored = inputs.configFiles.filter((f) => include.some((p) => f.path === p || isInside(f.path, p)));
  const remap = planUuidRemap({
    references: findUuidReferences(restored),
    here: deps.here.filesystems,
    targetRoot,
    overrides: request.uuidOverrides,
  });

  const empty = !(await holdsSystem(targetRoot));
  if (empty)
    notes.push(
      `${targetRoot} holds no installed system yet (no /usr): services, missing packages and boot tools are looked up there, so they are planned again after the files are restored.`,
    );
  else
    notes.push(
      `Services, missing packages and boot tools are looked up in ${targetRoot} as it is now; they are planned again after the files are restored.`,
    );

  let services: RestorePlan['services'] = [];
  let missingPackages: RestorePlan['missingPackages'] = null;
  if (chosen.has('linux.software-inventory')) {
    const units = enabledUnitsOf(inputs, notes);
    services = (await planServices({ recordedEnabledUnits: units, targetRoot })).map((s) => ({
      unit: s.unit,
      action: s.action,
      detail: s.detail,
    }));
    const packages = await findMissingPackages({
      recordedDpkgSelections: inputs.dpkgSelections,
      recordedRpmPackages: inputs.rpmPackages,
      targetRoot,
      runner: deps.runner,
    });
    missingPackages = {
      packageManager: packages.packageManager,
      recorded: packages.recorded,
      missing: [...packages.missing],
      installCommand: packages.installCommand,
      notes: [...packages.notes],
    };
  } else {
    notes.push(
      'Software inventory is not chosen: installed packages and enabled services are left as they are.',
    );
  }

  const tools = await probeBootTools(targetRoot);
  const bootDisk = await bootDiskFor(targetRoot, deps.runner);
  const boot = planBootRepair({ targetRoot, here: deps.here, bootDisk, tools });

  const script = layoutScript(inputs, request, deps.here, notes);

  return {
    uuidRemap: {
      entries: remap.entries.map((e) => ({
        from: e.from,
        to: e.to,
        mountpoint: e.mountpoint,
        reason: e.reason,
        references: e.references.map((r) => ({ file: r.file, line: r.line })),
      })),
      unresolved: remap.unresolved,
    },
    bootRepair: {
      bindMounts: [...boot.bindMounts],
      steps: boot.steps.map((s) => ({ ...s, argv: [...s.argv] })),
      notes: [...boot.notes],
    },
    services,
    missingPackages,
    diskLayoutScript: script,
  };
}

/**
 * The script that recreates the recorded disk layout on this machine's disks (for review; never run by the helper).
 * null, with a note, when the session has no partition table export or its exports cannot be read.
 */
function layoutScript(
  inputs: RestoreInputs,
  request: RestorePlanRequest,
  here: MachineManifest,
  notes: string[],
): RestorePlan['diskLayoutScript'] {
  if (inputs.layout.sfdisk.length === 0) {
    notes.push('The session has no partition table export: no disk layout script can be generated.');
    return null;
  }
  try {
    const generated = diskLayoutScript({
      layout: inputs.layout,
      diskMap: request.diskMap,
      origin: {
        snapshotId: inputs.snapshot.id,
        hostname: inputs.snapshot.hostname ?? inputs.manifest?.hostname ?? '',
        time: inputs.snapshot.time,
      },
      newDiskSizes: Object.fromEntries(
        here.disks.flatMap((d) => (d.path === null ? [] : [[d.path, d.sizeBytes]])),
      ),
    });
    return { script: generated.script, diskMap: { ...generated.diskMap }, warnings: [...generated.warnings] };
  } catch (error) {
    if (!isSystemStateError(error, 'INVALID_ARGUMENT') && !isSystemStateError(error, 'UNEXPECTED_OUTPUT'))
      throw error;
    notes.push(`No disk layout script: ${error.message}`);
    return null;
  }
}

/** The recorded enabled units; an export that cannot be parsed is a note (and no services are planned). */
function enabledUnitsOf(inputs: RestoreInputs, notes: string[]): string[] {
  if (inputs.enabledUnits === null) {
    notes.push('The session recorded no enabled services (software/enabled-units.txt).');
    return [];
  }
  try {
    return parseEnabledUnits(inputs.enabledUnits);
  } catch (error) {
    if (!isSystemStateError(error, 'UNEXPECTED_OUTPUT')) throw error;
    notes.push(`The recorded enabled services cannot be read (${error.message}): no services are planned.`);
    return [];
  }
}

/** Whether the target looks like an installed system (a /usr with programs), not an empty folder. */
async function holdsSystem(targetRoot: string): Promise<boolean> {
  return stat(path.join(targetRoot, 'usr', 'bin')).then(
    (s) => s.isDirectory(),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return false;
      throw fromNodeError(error, `looking at ${targetRoot}`);
    },
  );
}
