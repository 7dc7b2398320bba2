/**
 * The configuration files of the backed-up system that name disks, filesystem UUIDs and network interfaces
 * (fstab, crypttab, bootloader, network configuration), read from the snapshot for the compatibility report and the
 * UUID remap. Which files count is config-references.ts's decision (isRestoreConfigFile); this module only knows
 * the folders where they can be, lists them in the snapshot and reads the files that count.
 */
import { isEngineError } from '../../engine/errors';
import type { Id } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import { listSnapshotEntries, type SnapshotEntry } from '../../engine/restore/snapshot-file-reader';
import type { TreeLoader } from '../../engine/restore/tree-walker';
import { isRestoreConfigFile } from '../../system-state/restore/config-references';
import type { RecordedFile } from '../../system-state/restore/restore-analysis-model';
import { readRecordedText } from './recorded-files';

/** Configuration files are small; a bigger one is not what the planners expect (and is skipped with a note). */
export const maxConfigFileBytes = 1024 * 1024;

/**
 * Folders whose files may be configuration files. The EFI System Partition's folders (`/boot/efi/EFI/<vendor>`,
 * `/boot/efi/loader/entries`) are found by listing it two levels deep: FAT keeps names in any case (`EFI`, `efi`).
 */
export const configFolders = [
  '/etc',
  '/etc/default',
  '/etc/default/grub.d',
  '/boot/grub',
  '/boot/grub2',
  '/boot/loader/entries',
  '/etc/kernel',
  '/etc/initramfs-tools/conf.d',
  '/etc/mdadm',
  '/etc/network',
  '/etc/network/interfaces.d',
  '/etc/netplan',
  '/etc/NetworkManager/system-connections',
  '/etc/systemd/network',
  '/etc/udev/rules.d',
  '/etc/sysconfig/network-scripts',
] as const;

const espMountpoint = '/boot/efi';

export interface ConfigFilesRead {
  files: RecordedFile[];
  notes: string[];
}

export async function readConfigFiles(
  repository: Repository,
  snapshot: { tree: Id },
  loadTree: TreeLoader,
): Promise<ConfigFilesRead> {
  const files: RecordedFile[] = [];
  const notes: string[] = [];
  const list = async (dir: string): Promise<SnapshotEntry[]> => {
    try {
      return await listSnapshotEntries(repository, snapshot, dir, { loadTree });
    } catch (error) {
      // /etc/network as a symlink, say: no configuration files to find there.
      if (isEngineError(error, 'INVALID_ARGUMENT')) return [];
      if (
        isEngineError(error, 'CORRUPT') ||
        isEngineError(error, 'NOT_FOUND') ||
        isEngineError(error, 'PATH_ESCAPE')
      ) {
        notes.push(`The folder ${dir} cannot be listed (${error.code}: ${error.message}).`);
        return [];
      }
      throw error;
    }
  };
  const folders: string[] = [...configFolders];
  for (const top of await list(espMountpoint))
    if (top.type === 'dir')
      for (const below of await list(top.path)) if (below.type === 'dir') folders.push(below.path);
  for (const folder of folders) {
    for (const entry of await list(folder)) {
      if (entry.type !== 'file' || !isRestoreConfigFile(entry.path)) continue;
      if (entry.size > maxConfigFileBytes) {
        notes.push(
          `${entry.path} was not read: ${entry.size} bytes is more than a configuration file has (limit ${maxConfigFileBytes}).`,
        );
        continue;
      }
      const read = await readRecordedText(repository, snapshot, entry.path, {
        maxBytes: maxConfigFileBytes,
        loadTree,
      });
      if (read.kind === 'found') files.push({ path: entry.path, text: read.text });
      else if (read.kind === 'unusable') notes.push(`${entry.path} cannot be read (${read.reason}).`);
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, notes };
}
