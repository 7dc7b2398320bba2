/**
 * The fixture for the byte-identity tests against restic: a directory with every kind of entry and metadata a
 * tree has to encode — file types, modes with special bits, owners with and without names, xattrs with binary
 * values, odd timestamps, and names that exercise every branch of Go's quoting and JSON escaping.
 * Files stay below 512 KiB so each non-empty file is exactly one chunk whose ID is the file's sha256.
 */
import { createHash } from 'node:crypto';
import { chmod, lchown, link, mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPosixFsAddon } from '../../native/posix-fs-addon';
import { createSocket, mkfifo, mknod, setTimes } from './fixture-tools';

const b = (text: string) => Buffer.from(text, 'utf8');

/** Names for entries in names/: quoting, JSON escaping, printable/non-printable Unicode, invalid UTF-8. */
export const oddNames: readonly Buffer[] = [
  b('quote"and\\backslash'),
  b("single'quote"),
  b('ctrl\x01\x07\x08\x0b\x0c\x1b\x7f'),
  b('tab\there\nnewline\rcr'),
  b('html<tag>&amp;'),
  b('separators\u2028\u2029'),
  b('emoji 😀 melting 🫠'), // U+1FAE0 is Unicode 14: Go 1.19 escapes it
  b('combining e\u0301 a\u0308'),
  b('nonprint \u00a0\u00ad\u200b\ufeff\u{e0001}\ue000\u0085\u202e'),
  b('unicode-14 \u0870 and 13 \u08be'),
  b('literal \ufffd replacement'),
  b('日本語 ελληνικά'),
  b('-leading-dash'),
  b(' leading space'),
  b('trailing space '),
  b('percent %s %d'),
  Buffer.from([
    0x62, 0x61, 0x64, 0xff, 0xfe, 0x20, 0xc3, 0x28, 0x20, 0xed, 0xa0, 0x80, 0x20, 0xf4, 0x90, 0x80,
  ]),
  Buffer.from([0xe2, 0x82, 0x20, 0xc0, 0xaf, 0x20, 0x80]),
];

/** A deterministic pseudo-random buffer (sha256 in counter mode). */
function pseudoRandom(length: number, seed: string): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < length; i++) {
    blocks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

interface TimedEntry {
  path: string;
  sec: bigint;
  nsec: number;
}

/**
 * Creates `<root>/data` and returns a function that removes what must not outlive the test (the socket).
 * Needs root (device nodes, chown, trusted xattrs are not used).
 */
export async function createOddFixture(root: string): Promise<() => Promise<void>> {
  const data = path.join(root, 'data');
  const at = (...parts: string[]) => path.join(data, ...parts);
  const times: TimedEntry[] = [];
  const time = (target: string, sec: bigint, nsec = 0) => times.push({ path: target, sec, nsec });

  for (const dir of [
    'names',
    'links',
    'special',
    'xattrs',
    'times',
    'owners',
    'sticky',
    'setgid-dir',
    'empty-dir',
  ])
    await mkdir(at(dir), { recursive: true });

  // Plain files, modes, hardlinks.
  await writeFile(at('plain.txt'), 'hello world\n');
  time(at('plain.txt'), 1_614_834_367n, 123_456_789);
  await writeFile(at('empty'), '');
  await chmod(at('empty'), 0o600);
  await writeFile(at('zero-perm'), 'x');
  await chmod(at('zero-perm'), 0o000);
  await writeFile(at('random.bin'), pseudoRandom(300 * 1024, 'random.bin'));
  await writeFile(at('setuid'), '#!/bin/sh\n');
  await chmod(at('setuid'), 0o4755);
  await writeFile(at('setgid'), '#!/bin/sh\n');
  await chmod(at('setgid'), 0o2750);
  await writeFile(at('hard-a'), 'shared content');
  await link(at('hard-a'), at('hard-b'));
  await chmod(at('sticky'), 0o1777);
  await chmod(at('setgid-dir'), 0o2775);

  // Odd names: created and timed under ASCII names (touch takes names through argv), then renamed.
  for (const i of oddNames.keys()) {
    const temporary = at('names', `tmp-${i}`);
    await writeFile(temporary, `content of name ${i}\n`);
    time(temporary, 1_600_000_000n + BigInt(i), i * 1000);
  }

  // Symlinks: relative, absolute, dangling, and a target with bytes that are not UTF-8.
  await symlink('../plain.txt', at('links', 'relative'));
  await symlink('/etc/hostname', at('links', 'absolute'));
  await symlink('does/not/exist', at('links', 'dangling'));
  await symlink(
    Buffer.from([0x6f, 0x64, 0x64, 0xff, 0x22, 0x0a, 0x3c]),
    Buffer.from(at('links', 'odd-target')),
  );
  time(at('links', 'relative'), 1_000_000_000n, 1);

  // Special files; the socket is skipped by restic and by us.
  mkfifo(at('special', 'fifo'));
  mknod(at('special', 'null-chardev'), 'c', 1, 3);
  mknod(at('special', 'loop-blockdev'), 'b', 7, 0);
  const closeSocket = await createSocket(at('special', 'socket'));

  // Extended attributes on a file and on the directory.
  const addon = loadPosixFsAddon();
  await writeFile(at('xattrs', 'file'), 'with xattrs');
  addon.lsetxattr(
    Buffer.from(at('xattrs', 'file')),
    b('user.binary'),
    Buffer.from([0x00, 0xff, 0x80, 0x0a, 0x3c]),
  );
  addon.lsetxattr(Buffer.from(at('xattrs', 'file')), b('user.empty'), Buffer.alloc(0));
  addon.lsetxattr(
    Buffer.from(at('xattrs', 'file')),
    Buffer.from([0x75, 0x73, 0x65, 0x72, 0x2e, 0xff, 0x3c]),
    b('odd'),
  );
  addon.lsetxattr(Buffer.from(at('xattrs', 'file')), b('user.text'), b('plain text'));
  addon.lsetxattr(Buffer.from(at('xattrs')), b('user.on-dir'), b('directory value'));

  // Timestamps: before 1970 with a fraction, the ext4 minimum, after 2038, far future, DST in Berlin.
  const timeFiles: Array<[string, bigint, number]> = [
    ['pre-1970', -1_234_567_891n, 500_000_000],
    ['1901', -2_147_483_648n, 0],
    ['y2038-after', 2_147_483_648n, 1],
    ['y2100', 4_102_444_800n, 123_456_789],
    ['y2400', 13_569_465_600n, 999_999_999],
    ['berlin-summer', 1_688_212_800n, 100],
    ['berlin-winter', 1_704_110_400n, 0],
    ['berlin-2040-summer', 2_224_231_200n, 5],
  ];
  for (const [name, sec, nsec] of timeFiles) {
    await writeFile(at('times', name), name);
    time(at('times', name), sec, nsec);
  }

  // Owners with names, and without any (user/group then omitted).
  for (const [name, uid, gid] of [
    ['daemon', 1, 1],
    ['nobody', 65_534, 65_534],
    ['nameless', 4242, 4343],
  ] as const) {
    await writeFile(at('owners', name), name);
    await lchown(at('owners', name), uid, gid);
  }
  await symlink('daemon', at('owners', 'link-owned'));
  await lchown(at('owners', 'link-owned'), 1, 4343);

  for (const entry of times) setTimes(entry.path, entry.sec, entry.nsec);
  for (const [i, name] of oddNames.entries()) {
    await rename(at('names', `tmp-${i}`), Buffer.concat([Buffer.from(`${at('names')}/`), name]));
  }
  // Directories last, deepest first: creating and renaming entries changes their mtime.
  const directories = [
    'names',
    'links',
    'special',
    'xattrs',
    'times',
    'owners',
    'sticky',
    'setgid-dir',
    'empty-dir',
  ];
  for (const [i, dir] of directories.entries()) setTimes(at(dir), 1_500_000_000n + BigInt(i), 42);
  setTimes(data, -86_400n, 7);
  return closeSocket;
}
