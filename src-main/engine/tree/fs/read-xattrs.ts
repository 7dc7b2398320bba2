/**
 * A file's extended attributes as restic 0.14 records them (`fillExtendedAttributes`): every attribute the kernel
 * lists, in its order, with its raw value. As in restic, "not supported here" (ENOTSUP) and "no such attribute"
 * (ENODATA, e.g. removed between list and read) mean "nothing to record"; any other failure — including a missing
 * addon — is reported as a warning for that file, never dropped silently.
 */

import { loadPosixFsAddon, type XattrBinding } from '../../native/posix-fs-addon';
import { goQuote } from '../go/quote';
import type { ExtendedAttribute } from '../node';

export interface XattrReadResult {
  attributes: ExtendedAttribute[];
  warnings: string[];
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Codes restic treats as "no attributes" (ENOATTR is ENODATA on Linux). */
const ignoredCodes = new Set(['ENOTSUP', 'EOPNOTSUPP', 'ENODATA', 'ENOATTR']);

/** Reads all attributes of `path` (not following a symlink). */
export function readExtendedAttributes(
  path: Buffer,
  binding: () => XattrBinding = loadPosixFsAddon,
): XattrReadResult {
  const where = () => goQuote(path); // only for messages
  let addon: XattrBinding;
  let names: Buffer[];
  try {
    addon = binding();
    names = addon.llistxattr(path);
  } catch (error) {
    if (ignoredCodes.has(errorCode(error) ?? '')) return { attributes: [], warnings: [] };
    return {
      attributes: [],
      warnings: [`extended attributes could not be read for ${where()}: ${reason(error)}`],
    };
  }
  const attributes: ExtendedAttribute[] = [];
  const warnings: string[] = [];
  for (const name of names) {
    try {
      attributes.push({ name, value: addon.lgetxattr(path, name) });
    } catch (error) {
      if (ignoredCodes.has(errorCode(error) ?? '')) continue;
      warnings.push(`extended attribute ${goQuote(name)} could not be read for ${where()}: ${reason(error)}`);
    }
  }
  return { attributes, warnings };
}
