/**
 * Exclude patterns are compiled when they are given (session/start, schedule/set), so a malformed one is refused
 * to the person typing it instead of failing a backup hours later, at night.
 */
import { compileExcludes } from '../../engine/archiver/exclude-patterns';

/** A malformed exclude pattern; the server maps the code onto JSON-RPC's invalid params. */
export class InvalidExcludeError extends Error {
  readonly code = 'INVALID_EXCLUDE';
}

/** Returns a copy of `patterns` once every one compiles; throws InvalidExcludeError naming the first that does not. */
export function checkedExcludes(patterns: readonly string[] | undefined): string[] {
  const list = [...(patterns ?? [])];
  list.forEach((pattern, index) => {
    try {
      compileExcludes([pattern]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidExcludeError(`excludes.${index}: ${reason}`);
    }
  });
  return list;
}
