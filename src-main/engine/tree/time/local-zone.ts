/**
 * The process's local time zone, chosen the way a Go 1.19 program on Linux (restic) chooses `time.Local`:
 * - TZ unset: /etc/localtime;
 * - TZ="" or TZ="UTC": UTC;
 * - TZ=":name" or TZ="name": an absolute path is read directly, otherwise /usr/share/zoneinfo/name (and Go's other
 *   system directories);
 * - anything that cannot be loaded: UTC (silently, as Go does).
 * The environment is a parameter so a caller can format times for another zone without changing process.env.
 */
import { readFileSync } from 'node:fs';
import { TimeZone } from './zone';

/** Go's `platformZoneSources` on Unix. */
const zoneDirectories = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/'];

function tryLoad(name: string, file: string): TimeZone | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined; // missing or unreadable: Go tries the next source, then falls back to UTC
  }
  try {
    return TimeZone.fromTzif(name, data);
  } catch {
    return undefined; // malformed data: likewise not an error in Go, just not this zone
  }
}

/** Loads a zone by IANA name ("Europe/Berlin") from the system's zoneinfo directories. */
export function loadNamedZone(name: string): TimeZone | undefined {
  for (const dir of zoneDirectories) {
    const zone = tryLoad(name, dir + name);
    if (zone !== undefined) return zone;
  }
  return undefined;
}

/** The zone Go's `time.Local` would be for the given environment (default: this process's). */
export function resolveLocalZone(env: NodeJS.ProcessEnv = process.env): TimeZone {
  const tz = env.TZ;
  if (tz === undefined) return tryLoad('Local', '/etc/localtime') ?? TimeZone.utc();
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  if (name.startsWith('/'))
    return tryLoad(name === '/etc/localtime' ? 'Local' : name, name) ?? TimeZone.utc();
  if (name === '' || name === 'UTC') return TimeZone.utc();
  return loadNamedZone(name) ?? TimeZone.utc();
}

let cachedLocalZone: TimeZone | undefined;

/** This process's local zone, resolved once (like Go, which reads TZ once at first use). */
export function localZone(): TimeZone {
  cachedLocalZone ??= resolveLocalZone();
  return cachedLocalZone;
}
