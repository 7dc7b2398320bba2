/**
 * Who may talk to the helper. The socket's mode (0660, group `backup-manager`) already keeps others from
 * connecting; this check on the kernel-reported credentials of every accepted connection is the gate that holds
 * even when the socket's mode or owner were changed behind the helper's back.
 *
 * Allowed: root; any process whose primary or supplementary groups contain the helper's group (the installer
 * creates `backup-manager` and adds the desktop users to it); and, in the documented test mode where the helper
 * runs unprivileged as a developer's own user, processes of that same user.
 */
import { readFile } from 'node:fs/promises';
import type { PeerCredentials } from './peer-credentials';

export interface PeerPolicy {
  /** The uid the helper runs as (0 in production). */
  helperUid: number;
  /** The gid of the `backup-manager` group, or null when the group does not exist (then only root is allowed). */
  groupId: number | null;
  /** Development and tests: the helper runs as the same user as its clients, who are then allowed too. */
  testMode: boolean;
}

/** A peer's credentials with its supplementary groups (read from /proc by the caller). */
export interface PeerIdentity extends PeerCredentials {
  groups: readonly number[];
}

export type PeerDecision = { allowed: true } | { allowed: false; reason: string };

export function authorizePeer(peer: PeerIdentity, policy: PeerPolicy): PeerDecision {
  if (peer.uid === 0) return { allowed: true };
  if (policy.groupId !== null && (peer.gid === policy.groupId || peer.groups.includes(policy.groupId))) {
    return { allowed: true };
  }
  if (policy.testMode && peer.uid === policy.helperUid) return { allowed: true };
  const group =
    policy.groupId === null
      ? 'the helper group does not exist, so only root may connect'
      : `not root and not a member of group ${policy.groupId}`;
  const testMode = policy.testMode ? ` nor the helper's own user (uid ${policy.helperUid})` : '';
  return { allowed: false, reason: `${group}${testMode}` };
}

/** Whether reading the peer's supplementary groups could change the decision (it costs a /proc read). */
export function needsSupplementaryGroups(peer: PeerCredentials, policy: PeerPolicy): boolean {
  return peer.uid !== 0 && policy.groupId !== null && peer.gid !== policy.groupId;
}

/**
 * The gid of group `name` in an /etc/group-format file, or null when it is not listed. The installer creates the
 * group as a local group, so /etc/group is where it is; a group that exists only in a directory service (NSS,
 * LDAP) is not found and then only root may connect — the safe side.
 */
export async function groupIdOf(name: string, groupFile = '/etc/group'): Promise<number | null> {
  const text = await readFile(groupFile, 'utf8');
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 3 || fields[0] !== name) continue;
    const gid = Number(fields[2]);
    if (fields[2] !== '' && Number.isInteger(gid) && gid >= 0) return gid;
  }
  return null;
}
