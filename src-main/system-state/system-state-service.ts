/**
 * The room's entry point for its callers (CLI now, the helper later): components and estimate, machine manifest,
 * staging of the exports for a session, snapshot location (list/get/set), preflight and diagnostics, wired to one
 * CommandRunner and one settings store.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DetectedComponent, SizeEstimate } from './catalog/component';
import { addEstimates } from './catalog/component';
import type { CommandRunner } from './command-runner/command-runner';
import type { DiagnosticReport } from './diagnostics/diagnostic-report';
import { buildReport } from './diagnostics/diagnostic-report';
import { assertSessionId, SystemStateError } from './errors';
import { withExportEvidence } from './exports/export-evidence';
import type { ExportResult } from './exports/export-plan';
import { linuxExportPlan, packageManagerOf } from './exports/linux-export-plan';
import { runExports, stagingFolder, writeManifestFile, writeStagingJson } from './exports/run-exports';
import { windowsExportPlan } from './exports/windows-export-plan';
import type { FreeSpaceProbe, LocalDrive } from './location/local-drives';
import { driveOf, listLinuxDrives, listWindowsDrives, statfsProbe } from './location/local-drives';
import type { SettingsStore } from './location/settings-store';
import type { LocationCandidate, LocationContext } from './location/snapshot-location';
import { defaultLocation, listCandidates, validateLocation } from './location/snapshot-location';
import { collectLinuxManifest } from './manifest/collect-linux-manifest';
import { collectWindowsManifest } from './manifest/collect-windows-manifest';
import { componentsRecordFile, componentsRecordOf } from './manifest/components-record';
import type { MachineManifest } from './manifest/machine-manifest';
import { detectLinuxComponents } from './platform/linux/linux-components';
import { detectWindowsComponents } from './platform/windows/windows-components';
import { isServerEdition, readWindowsOsInfo } from './platform/windows/windows-os-info';
import type { CheckResult } from './preflight/check';
import { worstStatus } from './preflight/check';
import { probeLinuxDiskLayouts, probeWindowsDisks } from './preflight/disk-layout-probe';
import { freeSpaceCheck } from './preflight/free-space-check';
import { linuxMbrLimitCheck, windowsMbrLimitCheck } from './preflight/mbr-limit-check';
import { providerHealthCheck } from './preflight/provider-health-check';
import { linuxServicesCheck, windowsServicesCheck } from './preflight/services-check';
import { shadowCopyDrivesCheck } from './preflight/shadow-copy-drives-check';
import { vssWritersCheck } from './preflight/vss-writers-check';
import type { ProviderChoice } from './snapshots/choose-provider';
import { chooseProvider } from './snapshots/choose-provider';

export interface SystemStateServiceOptions {
  runner: CommandRunner;
  settings: SettingsStore;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Linux: the system tree whose components are detected (default `/`). */
  rootDir?: string;
  freeSpace?: FreeSpaceProbe;
  /** Windows Server edition (decides the Shadow Copy check); read from Win32_OperatingSystem when not given. */
  serverEdition?: boolean;
}

export interface MachineContext extends LocationContext {
  choice: ProviderChoice;
}

export interface StagingResult {
  stagingDir: string;
  manifestFile: string;
  /** components.json: the detected components and their paths, for the restore wizard. */
  componentsFile: string;
  exports: ExportResult[];
  /** The components with each export's outcome added to their evidence. */
  components: DetectedComponent[];
}

export class SystemStateService {
  private readonly platform: NodeJS.Platform;
  private readonly rootDir: string;

  constructor(private readonly options: SystemStateServiceOptions) {
    this.platform = options.platform ?? process.platform;
    this.rootDir = options.rootDir ?? '/';
  }

  async components(): Promise<DetectedComponent[]> {
    if (this.platform === 'linux')
      return detectLinuxComponents({ rootDir: this.rootDir, runner: this.options.runner });
    if (this.platform === 'win32')
      return detectWindowsComponents({
        runner: this.options.runner,
        systemDrive: `${this.options.env.SystemDrive ?? 'C:'}\\`,
      });
    throw new SystemStateError(
      'NOT_APPLICABLE',
      `System state is defined for Linux and Windows, not ${this.platform}`,
    );
  }

  /** The machine manifest of the running machine (what the restore wizard compares a replacement with). */
  async manifest(): Promise<MachineManifest> {
    if (this.platform === 'linux') return collectLinuxManifest(this.options.runner);
    if (this.platform === 'win32') return collectWindowsManifest(this.options.runner);
    throw new SystemStateError('NOT_APPLICABLE', `no machine manifest for ${this.platform}`);
  }

  /**
   * Writes what is not a plain file (partition tables, LVM metadata, EFI entries, package selections; registry
   * hives and the BCD store on Windows), the machine manifest and the components record into the session's staging folder under the
   * snapshot location, to be backed up with the files. Exports describe the running machine, so a Linux
   * `rootDir` other than `/` is refused.
   */
  async stage(sessionId: string, locationOverride?: string): Promise<StagingResult> {
    assertSessionId(sessionId);
    const windows = this.platform === 'win32';
    if (!windows && this.rootDir !== '/')
      throw new SystemStateError(
        'NOT_APPLICABLE',
        `exports describe the running machine, not ${this.rootDir}`,
      );
    const location = locationOverride ?? (await this.location()).location;
    const components = await this.components();
    const manifest = await this.manifest();
    const stagingDir = stagingFolder(location, sessionId, windows ? path.win32 : path.posix);
    const plan = windows
      ? windowsExportPlan(stagingDir)
      : linuxExportPlan({
          disks: manifest.disks.flatMap((d) => (d.path && d.partitionStyle !== 'none' ? [d.path] : [])),
          stagingDir,
          packageManager: await packageManagerOf(this.rootDir),
        });
    const exports = await runExports(this.options.runner, plan, stagingDir);
    const manifestFile = await writeManifestFile(stagingDir, manifest);
    const componentsFile = await writeStagingJson(
      stagingDir,
      componentsRecordFile,
      componentsRecordOf(components),
    );
    return {
      stagingDir,
      manifestFile,
      componentsFile,
      exports,
      components: withExportEvidence(components, exports),
    };
  }

  async estimate(components?: DetectedComponent[]): Promise<SizeEstimate> {
    return addEstimates(
      (components ?? (await this.components())).filter((c) => c.detected).map((c) => c.estimate),
    );
  }

  async machine(): Promise<MachineContext> {
    const windows = this.platform === 'win32';
    const probe = this.options.freeSpace ?? statfsProbe;
    const drives: LocalDrive[] = windows
      ? await listWindowsDrives(this.options.runner, probe)
      : await listLinuxDrives(probe);
    const systemDrive = driveOf(
      drives,
      windows ? (this.options.env.SystemDrive ?? 'C:') : this.rootDir,
      windows,
    );
    const choice = await chooseProvider(this.platform, systemDrive, this.options.runner);
    return { drives, systemDrive, provider: choice.kind, windows, choice };
  }

  async location(context?: MachineContext): Promise<{ location: string; source: 'default' | 'settings' }> {
    const saved = (await this.options.settings.read()).snapshotLocation;
    if (saved) return { location: saved, source: 'settings' };
    return { location: defaultLocation(context ?? (await this.machine())), source: 'default' };
  }

  async candidates(): Promise<{
    current: string;
    source: 'default' | 'settings';
    default: string;
    candidates: LocationCandidate[];
  }> {
    const machine = await this.machine();
    const current = await this.location(machine);
    return {
      current: current.location,
      source: current.source,
      default: defaultLocation(machine),
      candidates: listCandidates(machine),
    };
  }

  async setLocation(candidate: string): Promise<{ location: string }> {
    const machine = await this.machine();
    const validated = await validateLocation(candidate, machine, (await this.estimate()).bytes);
    await this.options.settings.update({ snapshotLocation: validated.path });
    return { location: validated.path };
  }

  async preflight(locationOverride?: string): Promise<{
    checks: CheckResult[];
    location: string;
    locationSource: 'default' | 'settings' | 'override';
    components: DetectedComponent[];
    machine: MachineContext;
  }> {
    const { runner } = this.options;
    const machine = await this.machine();
    const components = await this.components();
    const estimate = await this.estimate(components);
    const current = locationOverride
      ? { location: locationOverride, source: 'override' as const }
      : await this.location(machine);
    const checks: CheckResult[] = [];
    const exists = await stat(current.location).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const locationDrive = exists ? driveOf(machine.drives, current.location, machine.windows) : undefined;
    if (locationDrive === undefined)
      checks.push({
        id: 'free-space',
        status: 'fail',
        code: 'INVALID_LOCATION',
        title: 'Free space for the snapshot',
        evidence: [
          exists
            ? `${current.location} is not on a local drive`
            : `${current.location} does not exist or is not a folder`,
        ],
        fix: 'Choose a folder on a local drive: backup-manager snapshot-location list',
      });
    else
      checks.push(
        freeSpaceCheck({
          location: current.location,
          locationDrive,
          estimateBytes: estimate.bytes,
          candidates: listCandidates(machine),
        }),
      );
    if (machine.windows) {
      checks.push(await windowsServicesCheck(runner));
      checks.push(await vssWritersCheck(runner));
      const serverEdition =
        this.options.serverEdition ?? isServerEdition((await readWindowsOsInfo(runner)).info) ?? false;
      checks.push(await shadowCopyDrivesCheck(runner, serverEdition, machine.drives));
      const { disks, unreadable } = await probeWindowsDisks(runner);
      checks.push(windowsMbrLimitCheck(disks, unreadable));
    } else {
      checks.push(await linuxServicesCheck({ runner, provider: machine.provider }));
      const source =
        machine.provider === 'btrfs'
          ? (machine.systemDrive?.mountPoint ?? '/')
          : (machine.systemDrive?.device ?? '/');
      checks.push(
        await providerHealthCheck({
          runner,
          provider: machine.provider,
          source,
          estimateBytes: estimate.bytes,
        }),
      );
      const { layouts, unreadable } = await probeLinuxDiskLayouts(runner);
      checks.push(linuxMbrLimitCheck(layouts, unreadable));
    }
    return { checks, location: current.location, locationSource: current.source, components, machine };
  }

  async diagnose(): Promise<DiagnosticReport> {
    const result = await this.preflight();
    return buildReport(
      {
        generatedAt: new Date().toISOString(),
        product: 'Backup Manager',
        machine: { hostname: os.hostname(), platform: this.platform, release: os.release(), arch: os.arch() },
        snapshot: {
          provider: result.machine.provider,
          providerReason: result.machine.choice.reason,
          location: result.location,
          locationSource: result.locationSource,
        },
        overall: worstStatus(result.checks.map((c) => c.status)),
        checks: result.checks,
        components: result.components.map(({ id, title, detected, evidence, estimate }) => ({
          id,
          title,
          detected,
          evidence,
          estimate,
        })),
      },
      this.options.env,
    );
  }
}
