/**
 * dpkg's two texts the restore compares: the backed-up machine's `dpkg --get-selections` and the target's
 * /var/lib/dpkg/status (read directly: the target is a folder, its dpkg cannot be run from here). Packages are
 * named as dpkg names them: `name` for the native architecture (and `all`), `name:arch` for Multi-Arch: same
 * packages (always qualified by --get-selections, even when native) and for foreign architectures.
 */
import { SystemStateError } from '../errors';

export interface DpkgSelection {
  name: string;
  /** The `:arch` qualifier as recorded, or null. */
  arch: string | null;
  state: 'install' | 'hold';
}

export interface DpkgInstalled {
  name: string;
  architecture: string;
  multiArch: string | null;
}

/** dpkg's package name rule (policy 5.6.1), plus the architecture qualifier. */
const selectionLine = /^([a-z0-9][a-z0-9+.-]+)(?::([a-z0-9-]+))?\s+(install|hold|deinstall|purge)$/;

/** Packages selected for installation (`install`, `hold`); `deinstall`/`purge` selections are not wanted. */
export function parseDpkgSelections(text: string): DpkgSelection[] {
  const selections: DpkgSelection[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const match = selectionLine.exec(line);
    if (match === null)
      throw new SystemStateError(
        'UNEXPECTED_OUTPUT',
        `dpkg selections line ${index + 1} is not "package[:arch] state": ${JSON.stringify(line.slice(0, 120))}`,
      );
    const state = match[3];
    if (state === 'install' || state === 'hold')
      selections.push({ name: match[1] as string, arch: match[2] ?? null, state });
  });
  return selections;
}

/**
 * Installed packages of a dpkg status file. `Status: want eflag state`: the package is on disk when its state is
 * `installed` (or only waiting for triggers), whatever the wanted action (`hold ok installed` is installed,
 * `deinstall ok installed` too, until it is removed); `config-files`, `unpacked`, `half-*` are not.
 */
export function parseDpkgStatus(text: string): DpkgInstalled[] {
  const installed: DpkgInstalled[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = stanzaFields(stanza);
    const name = fields.get('package');
    const status = fields.get('status')?.split(/\s+/);
    if (name === undefined || status === undefined || status.length !== 3) continue;
    const [, eflag, state] = status;
    if (eflag !== 'ok' || !['installed', 'triggers-pending', 'triggers-awaited'].includes(state as string))
      continue;
    installed.push({
      name,
      architecture: fields.get('architecture') ?? 'all',
      multiArch: fields.get('multi-arch') ?? null,
    });
  }
  return installed;
}

function stanzaFields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of stanza.split('\n')) {
    // Continuation lines (descriptions, conffiles) start with a space and are not needed here.
    const match = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    if (match) fields.set((match[1] as string).toLowerCase(), (match[2] as string).trim());
  }
  return fields;
}

/** The target's native architecture: that of the `dpkg` package itself (dpkg is never a foreign package). */
export function nativeArchitectureOf(installed: readonly DpkgInstalled[]): string | null {
  return installed.find((p) => p.name === 'dpkg')?.architecture ?? null;
}

/**
 * The backed-up machine's native architecture, as far as its selections say. Native Multi-Arch: same packages are
 * qualified too, so: the target's own native architecture when the selections use it (a restore onto the same
 * kind of machine — by far the common case, and it keeps an i386-heavy selection from looking i386); else the
 * qualifier of libc6 (every Debian system has its native C library); else the most frequent qualifier.
 */
export function recordedNativeArchitecture(
  selections: readonly DpkgSelection[],
  targetNative: string | null = null,
): string | null {
  if (targetNative !== null && selections.some((s) => s.arch === targetNative)) return targetNative;
  const libc = selections.filter((s) => s.name === 'libc6' && s.arch !== null);
  if (libc.length === 1) return libc[0]?.arch ?? null;
  const counts = new Map<string, number>();
  for (const s of selections) if (s.arch !== null) counts.set(s.arch, (counts.get(s.arch) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? null;
}
