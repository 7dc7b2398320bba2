/**
 * Test support: a System state snapshot of a machine that is not the one running the test — a system tree such as
 * a debootstrap root — recorded the way a helper session records one. A real session can only back up the machine
 * it runs on, so this builder does what the session does, with the tree standing in for `/`:
 * - the components are detected in the tree by the real detector (platform/linux/linux-components.ts, which takes
 *   any root) and recorded as `components.json` with the real writer;
 * - the machine manifest is written with the real writer (`machine-manifest.json`);
 * - the software exports are the real export plan's steps (linux-export-plan.ts: same ids, same file names), their
 *   tools pointed at the tree (`dpkg --admindir`, `systemctl --root`) and run by the real export runner; the steps
 *   that describe the running machine's hardware (lsblk, sfdisk, LVM, md, EFI) are left out — the manifest given
 *   describes the old machine's disks instead;
 * - the tree's component paths are backed up under their live paths through the engine's `sourceMap`, the staging
 *   folder under /.backup-manager/system-state, tagged `system-state`, with the machine's hostname.
 * Tests only.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { backup } from '../../../engine/archiver/archiver';
import type { Repository } from '../../../engine/repository/repository';
import type { CommandRunner } from '../../../system-state/command-runner/command-runner';
import type { ExportResult, ExportStep } from '../../../system-state/exports/export-plan';
import { linuxExportPlan, packageManagerOf } from '../../../system-state/exports/linux-export-plan';
import { runExports, writeManifestFile, writeStagingJson } from '../../../system-state/exports/run-exports';
import { componentsRecordFile, componentsRecordOf } from '../../../system-state/manifest/components-record';
import type { MachineManifest } from '../../../system-state/manifest/machine-manifest';
import { detectLinuxComponents } from '../../../system-state/platform/linux/linux-components';
import { systemStateTag } from '../../sessions/session-backup';
import { normalizePaths, systemStateExportPath } from '../../sessions/session-paths';

export interface RecordedMachineSession {
  snapshotId: string;
  /** The live paths the snapshot records (the detected components' paths). */
  paths: string[];
  exports: ExportResult[];
}

/** The export steps that read the software inventory, pointed at `root` instead of the running system. */
function exportsOfTree(steps: readonly ExportStep[], root: string): ExportStep[] {
  const admindir = `--admindir=${path.join(root, 'var/lib/dpkg')}`;
  const retargeted: ExportStep[] = [];
  for (const step of steps) {
    if (step.id === 'dpkg-selections' || step.id === 'dpkg-versions') {
      const [tool, ...rest] = step.argv;
      retargeted.push({ ...step, argv: [tool, admindir, ...rest] });
    } else if (step.id === 'enabled-units') {
      const [tool, ...rest] = step.argv;
      retargeted.push({ ...step, argv: [tool, `--root=${root}`, ...rest] });
    }
  }
  return retargeted;
}

export async function recordSystemStateSession(
  repository: Repository,
  machine: { root: string; manifest: MachineManifest },
  options: { stagingDir: string; runner: CommandRunner; time?: Date },
): Promise<RecordedMachineSession> {
  const { root, manifest } = machine;
  const { stagingDir, runner } = options;
  await mkdir(stagingDir, { recursive: true, mode: 0o700 });
  const components = await detectLinuxComponents({ rootDir: root, runner });
  const plan = linuxExportPlan({ disks: [], stagingDir, packageManager: await packageManagerOf(root) });
  const exports = await runExports(runner, exportsOfTree(plan, root), stagingDir);
  await writeManifestFile(stagingDir, manifest);
  await writeStagingJson(stagingDir, componentsRecordFile, componentsRecordOf(components));
  const paths = normalizePaths(components.filter((c) => c.detected).flatMap((c) => c.paths));
  const sourceMap = [
    ...paths.map((p) => ({ path: p, readFrom: path.join(root, p) })),
    { path: systemStateExportPath, readFrom: stagingDir },
  ];
  const summary = await backup(repository, {
    paths: sourceMap.map((m) => m.path),
    sourceMap,
    hostname: manifest.hostname,
    time: options.time,
    tags: [systemStateTag],
    parent: null,
    workers: 0,
  });
  return { snapshotId: summary.snapshotId, paths, exports };
}
