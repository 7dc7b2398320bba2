import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizePeer, groupIdOf, needsSupplementaryGroups, type PeerPolicy } from './peer-authorization';

const production: PeerPolicy = { helperUid: 0, groupId: 1500, testMode: false };
const peer = (uid: number, gid: number, groups: number[] = []) => ({ pid: 4321, uid, gid, groups });

describe('authorizePeer', () => {
  it('allows root', () => {
    expect(authorizePeer(peer(0, 0), production)).toEqual({ allowed: true });
    expect(authorizePeer(peer(0, 0), { ...production, groupId: null })).toEqual({ allowed: true });
  });

  it('allows members of the helper group, by primary or supplementary group', () => {
    expect(authorizePeer(peer(1000, 1500), production)).toEqual({ allowed: true });
    expect(authorizePeer(peer(1000, 1000, [27, 1500]), production)).toEqual({ allowed: true });
  });

  it('refuses everyone else, saying why', () => {
    expect(authorizePeer(peer(1000, 1000, [27, 100]), production)).toEqual({
      allowed: false,
      reason: 'not root and not a member of group 1500',
    });
    expect(authorizePeer(peer(1000, 1500), { ...production, groupId: null })).toEqual({
      allowed: false,
      reason: 'the helper group does not exist, so only root may connect',
    });
  });

  it("allows the helper's own user only in test mode", () => {
    const testMode: PeerPolicy = { helperUid: 1000, groupId: null, testMode: true };
    expect(authorizePeer(peer(1000, 1000), testMode)).toEqual({ allowed: true });
    expect(authorizePeer(peer(1000, 1000), { ...testMode, testMode: false }).allowed).toBe(false);
    const other = authorizePeer(peer(1001, 1001), testMode);
    expect(other).toEqual({
      allowed: false,
      reason:
        "the helper group does not exist, so only root may connect nor the helper's own user (uid 1000)",
    });
  });

  it('asks for supplementary groups only when they can change the decision', () => {
    expect(needsSupplementaryGroups(peer(0, 0), production)).toBe(false);
    expect(needsSupplementaryGroups(peer(1000, 1500), production)).toBe(false);
    expect(needsSupplementaryGroups(peer(1000, 1000), { ...production, groupId: null })).toBe(false);
    expect(needsSupplementaryGroups(peer(1000, 1000), production)).toBe(true);
  });
});

describe('groupIdOf', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('finds a group by exact name in an /etc/group file, and null when it is absent', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'group-file-'));
    const groupFile = path.join(dir, 'group');
    await writeFile(
      groupFile,
      ['root:x:0:', 'backup-manager-old:x:998:', 'backup-manager:x:999:alice,bob', 'broken:x::', ''].join(
        '\n',
      ),
    );
    expect(await groupIdOf('backup-manager', groupFile)).toBe(999);
    expect(await groupIdOf('root', groupFile)).toBe(0);
    expect(await groupIdOf('backup', groupFile)).toBeNull();
    expect(await groupIdOf('broken', groupFile)).toBeNull();
  });

  it("reads this system's /etc/group by default", async () => {
    expect(await groupIdOf('root')).toBe(0);
    expect(await groupIdOf('no-such-group-anywhere')).toBeNull();
  });
});
