/**
 * The disk layout exports of a System state session (`disk-layout/` of its staging folder, linux-export-plan.ts and
 * windows-export-plan.ts): the partition table of each disk (sfdisk JSON), lsblk, the LVM report, the md arrays and,
 * on Windows, diskpart's disk list. Each is as recorded, or null when the session did not produce it.
 */
import { isEngineError } from '../../engine/errors';
import type { Id } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import { listSnapshotEntries, type SnapshotEntry } from '../../engine/restore/snapshot-file-reader';
import type { TreeLoader } from '../../engine/restore/tree-walker';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';
import type { RecordedLayout } from '../../system-state/restore/restore-analysis-model';
import { readRecordedText } from './recorded-files';
import { recordedStaging, sfdiskExportName } from './restore-staging-paths';

const sfdiskFile = /^sfdisk-(.+)\.json$/;

export async function readRecordedLayout(
  repository: Repository,
  snapshot: { tree: Id },
  manifest: MachineManifest | null,
  loadTree: TreeLoader,
): Promise<{ layout: RecordedLayout; notes: string[] }> {
  const notes: string[] = [];
  const text = async (recordedPath: string): Promise<string | null> => {
    const read = await readRecordedText(repository, snapshot, recordedPath, { loadTree });
    if (read.kind === 'found') return read.text;
    if (read.kind === 'unusable') notes.push(`${recordedPath} cannot be used (${read.reason}).`);
    return null;
  };
  let entries: SnapshotEntry[] = [];
  try {
    entries = await listSnapshotEntries(repository, snapshot, recordedStaging.diskLayoutDir, { loadTree });
  } catch (error) {
    if (!isEngineError(error)) throw error;
    if (!['CORRUPT', 'NOT_FOUND', 'INVALID_ARGUMENT', 'PATH_ESCAPE'].includes(error.code)) throw error;
    notes.push(`The disk layout exports cannot be listed (${error.code}: ${error.message}).`);
  }
  const sfdisk: RecordedLayout['sfdisk'] = [];
  for (const entry of entries) {
    const name = sfdiskFile.exec(entry.path.slice(entry.path.lastIndexOf('/') + 1))?.[1];
    if (entry.type !== 'file' || name === undefined) continue;
    const json = await text(entry.path);
    if (json !== null) sfdisk.push({ disk: diskOf(name, json, manifest), json });
  }
  sfdisk.sort((a, b) => (a.disk < b.disk ? -1 : a.disk > b.disk ? 1 : 0));
  return {
    layout: {
      sfdisk,
      lsblkJson: await text(recordedStaging.lsblk),
      lvmReportJson: await text(recordedStaging.lvmReport),
      mdadmScan: await text(recordedStaging.mdadmScan),
      diskpartListDisk: await text(recordedStaging.diskpartListDisk),
    },
    notes,
  };
}

/**
 * The device path of the disk an sfdisk export describes. The file name flattens the path (`/` → `_`), so it is
 * taken from the export itself (`partitiontable.device`), else from the manifest's disk with that file name, else
 * rebuilt from the file name.
 */
function diskOf(name: string, json: string, manifest: MachineManifest | null): string {
  const device = deviceInExport(json);
  if (device !== null) return device;
  const listed = manifest?.disks.find(
    (d) => d.path !== null && sfdiskExportName(d.path) === `sfdisk-${name}.json`,
  );
  return listed?.path ?? `/dev/${name.replace(/_/g, '/')}`;
}

function deviceInExport(json: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // Unparseable: the partition planners report it; here it only cannot name its disk.
    return null;
  }
  const table = (parsed as { partitiontable?: { device?: unknown } } | null)?.partitiontable;
  return typeof table?.device === 'string' && table.device.startsWith('/dev/') ? table.device : null;
}
