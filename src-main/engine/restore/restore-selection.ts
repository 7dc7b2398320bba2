/**
 * What part of a snapshot a restore takes: a directory inside the snapshot whose contents land in the target
 * (`subpath`, restic's `snapshot:subfolder`), and optionally only some paths below that (`include`, which keep
 * their place: including `etc/ssh` restores `<target>/etc/ssh/…`).
 *
 * Paths are given as text ("/etc/ssh", "etc/ssh/") and compared with tree names as raw bytes (UTF-8 of the text).
 * Every component must be an ordinary name: a subpath with `..` would ask to restore from outside the snapshot's
 * tree into a place computed from it, so it is refused with PATH_ESCAPE like a hostile tree entry would be.
 */
import { EngineError } from '../errors';
import { assertSafeName } from './restore-paths';

/** The raw-byte components of a path inside a snapshot; "" and "/" give []. Empty components are ignored. */
export function parseSnapshotPath(text: string, what: string): Buffer[] {
  if (text.includes('\0')) {
    throw new EngineError('PATH_ESCAPE', `refused ${what} ${JSON.stringify(text)}: it contains a NUL byte`);
  }
  const components = text
    .split('/')
    .filter((part) => part !== '')
    .map((part) => Buffer.from(part, 'utf8'));
  for (const component of components) assertSafeName(component, `${what} ${JSON.stringify(text)}`);
  return components;
}

/**
 * - `selected`: restore this entry (and, for a directory, everything below it);
 * - `ancestor`: a directory on the way to an included path — walk into it, create it only if something below
 *   it is restored;
 * - `excluded`: skip it and everything below.
 */
export type SelectionVerdict = 'selected' | 'ancestor' | 'excluded';

export class RestoreSelection {
  private readonly includes: readonly Buffer[][];

  /** `include`: paths relative to the restored directory; none = everything. */
  constructor(include: readonly string[] = []) {
    this.includes = include.map((text) => parseSnapshotPath(text, 'include path'));
  }

  get restoresEverything(): boolean {
    return this.includes.length === 0 || this.includes.some((components) => components.length === 0);
  }

  /** The verdict for the entry at `components` (its path relative to the restored directory). */
  classify(components: readonly Buffer[]): SelectionVerdict {
    if (this.restoresEverything) return 'selected';
    let verdict: SelectionVerdict = 'excluded';
    for (const include of this.includes) {
      const common = Math.min(include.length, components.length);
      let matches = true;
      for (let i = 0; i < common && matches; i++) {
        matches = (include[i] as Buffer).equals(components[i] as Buffer);
      }
      if (!matches) continue;
      if (components.length >= include.length) return 'selected';
      verdict = 'ancestor';
    }
    return verdict;
  }
}
