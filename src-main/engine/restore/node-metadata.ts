/**
 * Restoring a node's metadata onto the entry just restored, in the order that keeps each step from undoing the
 * previous one: owner (chown clears setuid/setgid, so before the mode), mode (not for symlinks: Linux has no
 * lchmod and a link's own mode is meaningless), extended attributes, and the times last (every earlier step
 * changes ctime only, but writing content or xattrs must not come after the mtime is set).
 *
 * Ownership is restored by numeric uid/gid, as restic does. The names stored beside them (`user`, `group`) are
 * not looked up: a system-state restore brings /etc/passwd and /etc/group back with the data, and those map the
 * same ids to the same names again — looking names up in the accounts of the machine doing the restore would
 * give different owners whenever that machine's accounts were created in a different order.
 *
 * Nothing here follows a symlink: lchown, utimensat(AT_SYMLINK_NOFOLLOW) and lsetxattr act on the link itself,
 * and chmod is only used on entries this restore created as non-symlinks. Each failure is a warning for the entry
 * (its content is restored); none stops the restore. The calls are synchronous for the reason given in
 * restore-entries.ts.
 */
import { chmodSync, lchownSync } from 'node:fs';
import type { PosixFsBinding } from '../native/posix-fs-addon';
import { goQuote } from '../tree/go/quote';
import { type Node, posixModeFromGo } from '../tree/node';

export interface MetadataOptions {
  addon: PosixFsBinding;
  /** Restore uid/gid (needs root; default in the restorer: when running as root). */
  ownership: boolean;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Restores owner, mode, xattrs and times of `path` from `node`; returns warnings (empty when all went well). */
export function restoreMetadata(path: Buffer, node: Node, options: MetadataOptions): string[] {
  const warnings: string[] = [];
  if (options.ownership) {
    try {
      lchownSync(path, node.uid, node.gid);
    } catch (error) {
      warnings.push(`owner ${node.uid}:${node.gid} could not be restored: ${reason(error)}`);
    }
  }
  if (node.type !== 'symlink') {
    try {
      chmodSync(path, posixModeFromGo(node.mode) & 0o7777);
    } catch (error) {
      warnings.push(`mode could not be restored: ${reason(error)}`);
    }
  }
  for (const attribute of node.extendedAttributes) {
    try {
      options.addon.lsetxattr(path, attribute.name, attribute.value);
    } catch (error) {
      warnings.push(`extended attribute ${goQuote(attribute.name)} could not be restored: ${reason(error)}`);
    }
  }
  try {
    options.addon.lutimes(path, node.atime.sec, node.atime.nsec, node.mtime.sec, node.mtime.nsec);
  } catch (error) {
    warnings.push(`times could not be restored: ${reason(error)}`);
  }
  return warnings;
}
