/**
 * Test-only: a reproducible source tree for backup tests that need real volume — a few hundred files in nested
 * directories, some of several MiB (several chunks each), some compressible — generated from a seed, so a
 * failure can be replayed with the same data. Content comes from AES-256-CTR keyed by the seed (fast, and
 * incompressible where it should be); sizes and layout from a small seeded PRNG.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SeededTreeOptions {
  seed: string;
  /** Files of 2–8 MiB (about 5 MiB each on average, whatever the seed). */
  bigFiles: number;
  /** Files of 0–256 KiB (log-uniform), a third of them compressible text. */
  smallFiles: number;
  directories: number;
}

export interface SeededFile {
  /** Path relative to the tree's root, '/'-separated. */
  relativePath: string;
  size: number;
  sha256: string;
}

export interface SeededTree {
  files: SeededFile[];
  /** Directories below the root, relative, '/'-separated. */
  directories: string[];
  totalBytes: number;
}

const mib = 1024 * 1024;

/** A deterministic generator of uint32 values (mulberry32): layout decisions only, not content. */
export function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** `length` bytes of keystream for (seed, name): incompressible and reproducible. */
function randomContent(seed: string, name: string, length: number): Buffer {
  const key = createHash('sha256').update(`${seed}:key`).digest();
  const iv = createHash('sha256').update(`${seed}:${name}`).digest().subarray(0, 16);
  return createCipheriv('aes-256-ctr', key, iv).update(Buffer.alloc(length));
}

/** Log-like text: compresses well, as configuration files and logs do. */
function textContent(random: () => number, length: number): Buffer {
  const words = [
    'service',
    'started',
    'config',
    'reload',
    'user',
    'session',
    'opened',
    'closed',
    'error',
    'ok',
  ];
  const parts: string[] = [];
  let size = 0;
  for (let line = 0; size < length; line++) {
    const text = `${line} ${words[Math.floor(random() * words.length)]} ${Math.floor(random() * 1e6)}\n`;
    parts.push(text);
    size += text.length;
  }
  return Buffer.from(parts.join('')).subarray(0, length);
}

/** Creates the tree under `root` (which must not exist yet) and describes what it wrote. */
export async function createSeededSourceTree(root: string, options: SeededTreeOptions): Promise<SeededTree> {
  const random = seededRandom(options.seed);
  const directories: string[] = [];
  for (let i = 0; i < options.directories; i++) {
    // Each directory hangs below the root or below an earlier one: nesting several levels deep.
    const parent = i === 0 || random() < 0.3 ? '' : `${directories[Math.floor(random() * i)]}/`;
    directories.push(`${parent}dir-${String(i).padStart(2, '0')}`);
  }
  await mkdir(root, { recursive: true });
  for (const dir of directories) await mkdir(path.join(root, dir), { recursive: true });

  const files: SeededFile[] = [];
  const count = options.bigFiles + options.smallFiles;
  for (let i = 0; i < count; i++) {
    const big = i < options.bigFiles;
    const dir = random() < 0.1 ? '' : `${directories[Math.floor(random() * directories.length)]}/`;
    const name = `${dir}${big ? 'big' : 'file'}-${String(i).padStart(3, '0')}.${big ? 'bin' : 'dat'}`;
    // Big files stratified over 2–8 MiB, so the total hardly depends on the seed (≈ 5 MiB each).
    const size = big
      ? Math.floor((2 + (6 * (i + random())) / options.bigFiles) * mib)
      : Math.floor(2 ** (random() * 18)) - 1; // 0 B … 256 KiB, log-uniform
    const content =
      !big && random() < 1 / 3 ? textContent(random, size) : randomContent(options.seed, name, size);
    await writeFile(path.join(root, name), content);
    files.push({ relativePath: name, size, sha256: createHash('sha256').update(content).digest('hex') });
  }
  // Fixed times: the tree's metadata is as reproducible as its content (ctime and inode cannot be).
  const time = new Date('2026-01-02T03:04:05.678Z');
  // Deepest first: setting a directory's time must come after everything inside it was written.
  for (const entry of [...files.map((f) => f.relativePath), ...[...directories].reverse(), '.']) {
    await utimes(path.join(root, entry), time, time);
  }
  return {
    files,
    directories: directories.sort(),
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
  };
}
