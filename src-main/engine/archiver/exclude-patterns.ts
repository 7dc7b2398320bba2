/**
 * Exclude patterns for backups, in the spirit of restic's `--exclude`:
 * - a pattern without `/` matches an entry's name anywhere in the tree (`*.tmp`, `.cache`);
 * - a pattern starting with `/` matches from the root (`/var/cache/apt/*.bin`);
 * - any other pattern with `/` matches a trailing run of path components (`cache/*` matches `/home/u/cache/x`);
 * - `*` and `?` stay within one component, `**` spans components, `[abc]`/`[a-z]`/`[!x]` are character classes,
 *   a backslash escapes the next character. Matching an entry excludes it and everything below it.
 * Paths are matched as bytes decoded latin1-style, so names that are not UTF-8 still match byte-for-byte.
 */
import { EngineError } from '../errors';

export interface ExcludeMatcher {
  /** True when the entry at this absolute path (raw bytes) is excluded. */
  excludes(absolutePath: Uint8Array): boolean;
  readonly patterns: readonly string[];
}

export function compileExcludes(patterns: readonly string[]): ExcludeMatcher {
  const compiled = patterns.map((pattern) => compilePattern(pattern));
  return {
    patterns,
    excludes(absolutePath) {
      if (compiled.length === 0) return false;
      const text = Buffer.from(absolutePath).toString('latin1');
      return compiled.some((regex) => regex.test(text));
    },
  };
}

/**
 * Matches the recorded path of an entry rather than the path it is read from (BackupOptions.sourceMap). Without
 * patterns or mappings the matcher is returned as it is, so the common case pays nothing.
 */
export function mapExcludes(
  matcher: ExcludeMatcher,
  logical: { readonly empty: boolean; of(readPath: Uint8Array): Uint8Array },
): ExcludeMatcher {
  if (matcher.patterns.length === 0 || logical.empty) return matcher;
  return { patterns: matcher.patterns, excludes: (readPath) => matcher.excludes(logical.of(readPath)) };
}

function compilePattern(pattern: string): RegExp {
  if (pattern.length === 0) throw new EngineError('INVALID_ARGUMENT', 'an exclude pattern cannot be empty');
  // Patterns are typed as UTF-8 text; compare them with paths in the same byte-as-latin1 form.
  const bytes = Buffer.from(pattern, 'utf8').toString('latin1').replace(/\/+$/, '');
  const body = translate(bytes.replace(/^\/+/, ''), pattern);
  if (bytes.startsWith('/')) return new RegExp(`^/${body}$`, 's');
  // Unanchored: the pattern must cover whole trailing components of the path.
  return new RegExp(`(?:^|/)${body}$`, 's');
}

function translate(glob: string, original: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` may also match nothing at all: `a/**/b` matches `a/b`.
        if (glob[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      const next = glob[++i];
      if (next === undefined)
        throw new EngineError(
          'INVALID_ARGUMENT',
          `exclude pattern ${JSON.stringify(original)} ends with a backslash`,
        );
      out += escapeRegex(next);
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0)
        throw new EngineError(
          'INVALID_ARGUMENT',
          `exclude pattern ${JSON.stringify(original)} has an unclosed [`,
        );
      let set = glob.slice(i + 1, end);
      const negate = set.startsWith('!') || set.startsWith('^');
      if (negate) set = set.slice(1);
      out += `[${negate ? '^/' : ''}${set.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else out += escapeRegex(c);
  }
  return out;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
