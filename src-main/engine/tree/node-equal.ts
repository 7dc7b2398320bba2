/**
 * Whether two nodes are recorded identically: restic would write the same JSON for both (see node-encode.ts) —
 * every field equal, times at the same instant and written with the same offset (a time read from a tree keeps
 * the offset it was written with; one from the filesystem is written in the writer's zone).
 *
 * A backup uses this to keep a directory's tree from the parent snapshot when every entry in it is recorded
 * identically, instead of encoding and hashing the same tree again.
 */
import type { Node } from './node';
import type { NodeTime } from './time/rfc3339';
import type { TimeZone } from './time/zone';

/** Seconds of years 1..9999 with a day's margin: outside, restic's FixTime moves the time; not compared here. */
const earliest = -62_135_596_800n + 86_400n;
const latest = 253_402_300_799n - 86_400n;

/** The offset a time is written with: its own when read from a tree, else the zone's at that instant. */
function writtenOffset(time: NodeTime, zone: TimeZone): number {
  return time.zoneOffset ?? zone.lookup(Number(time.sec)).offset;
}

/** Same instant, written the same way (the offset decides the wall clock, so it must be equal to the second). */
export function sameRecordedTime(a: NodeTime, b: NodeTime, zone: TimeZone): boolean {
  if (a.sec !== b.sec || a.nsec !== b.nsec) return false;
  if (a.sec < earliest || a.sec > latest) return false;
  return a.zoneOffset === b.zoneOffset || writtenOffset(a, zone) === writtenOffset(b, zone);
}

function sameIds(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameXattrs(a: Node['extendedAttributes'], b: Node['extendedAttributes']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || !x.name.equals(y.name) || !x.value.equals(y.value))
      return false;
  }
  return true;
}

/** True when restic would write the same JSON for `a` and `b` in `zone`. */
export function sameRecordedNode(a: Node, b: Node, zone: TimeZone): boolean {
  return (
    a.type === b.type &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.inode === b.inode &&
    a.size === b.size &&
    a.deviceId === b.deviceId &&
    a.links === b.links &&
    a.device === b.device &&
    a.user === b.user &&
    a.group === b.group &&
    a.subtree === b.subtree &&
    a.error === b.error &&
    a.name.equals(b.name) &&
    a.linkTarget.equals(b.linkTarget) &&
    sameIds(a.content, b.content) &&
    sameXattrs(a.extendedAttributes, b.extendedAttributes) &&
    sameRecordedTime(a.mtime, b.mtime, zone) &&
    sameRecordedTime(a.atime, b.atime, zone) &&
    sameRecordedTime(a.ctime, b.ctime, zone)
  );
}

/** True when the two node lists, in order, would make the same tree blob. */
export function sameRecordedNodes(a: readonly Node[], b: readonly Node[], zone: TimeZone): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || !sameRecordedNode(x, y, zone)) return false;
  }
  return true;
}
