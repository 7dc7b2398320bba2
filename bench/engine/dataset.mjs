// @ts-check
/**
 * The benchmark's dataset: a copy of a real system directory (many small files of every kind) plus large random
 * (incompressible) and text (compressible) files, generated deterministically so runs are comparable.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

const MiB = 1024 * 1024;

/** Deterministic pseudo-random bytes: AES-256-CTR keystream under a fixed key derived from the seed. */
function keystream(/** @type {number} */ seed) {
  const key = Buffer.alloc(32);
  key.write(`bench-seed-${seed}`);
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return (/** @type {number} */ length) => cipher.update(Buffer.alloc(length));
}

/** @param {string} file @param {number} bytes @param {number} seed */
export function writeRandomFile(file, bytes, seed) {
  const next = keystream(seed);
  const fd = openSync(file, 'w');
  try {
    for (let done = 0; done < bytes; done += MiB) writeSync(fd, next(Math.min(MiB, bytes - done)));
  } finally {
    closeSync(fd);
  }
}

const words = (
  'backup restore system state snapshot volume registry boot partition machine replacement configuration ' +
  'service writer shadow copy repository index pack blob tree chunk session progress error warning the a of ' +
  'to and in is for on with that by this be are from or at as an it not which can will'
).split(' ');

/** Text that compresses like prose/logs (word salad from a seeded generator). */
export function writeTextFile(
  /** @type {string} */ file,
  /** @type {number} */ bytes,
  /** @type {number} */ seed,
) {
  const random = keystream(seed);
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      let text = '';
      for (const b of random(65536)) text += `${words[b % words.length]}${b % 13 === 0 ? '.\n' : ' '}`;
      const chunk = Buffer.from(text).subarray(0, bytes - written);
      writeSync(fd, chunk);
      written += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * @param {{ dir: string, systemDir: string, largeMiB: number, randomFiles: number }} options
 * @returns {{ dir: string, bytes: number, files: number }}
 */
export function generateDataset({ dir, systemDir, largeMiB, randomFiles }) {
  if (existsSync(path.join(dir, '.complete'))) return measureDataset(dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // cp -a keeps modes, times, symlinks and hardlinks: the variety a System state backup meets.
  execFileSync('cp', ['-a', systemDir, path.join(dir, 'system')]);
  mkdirSync(path.join(dir, 'large'));
  for (let i = 0; i < randomFiles; i++)
    writeRandomFile(path.join(dir, 'large', `random-${i}.bin`), largeMiB * MiB, i + 1);
  writeTextFile(path.join(dir, 'large', 'text.log'), largeMiB * MiB, 99);
  writeTextFile(path.join(dir, '.complete'), 1, 0);
  return measureDataset(dir);
}

/** Bytes and regular files under `dir`. @param {string} dir */
export function measureDataset(dir) {
  let bytes = 0;
  let files = 0;
  const walk = (/** @type {string} */ d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        bytes += statSync(full).size;
        files++;
      }
    }
  };
  walk(dir);
  return { dir, bytes, files };
}

/**
 * Modifies about `percent`% of the files (every k-th file in a stable order) by rewriting a small region, the way
 * configuration changes between two System state backups look.
 * @param {string} dir @param {number} percent @param {number} round
 */
export function modifyFiles(dir, percent, round) {
  /** @type {string[]} */
  const all = [];
  const walk = (/** @type {string} */ d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name !== '.complete') all.push(full);
    }
  };
  walk(dir);
  const step = Math.max(1, Math.round(100 / percent));
  let changed = 0;
  for (let i = round % step; i < all.length; i += step) {
    const file = /** @type {string} */ (all[i]);
    const fd = openSync(file, 'r+');
    try {
      writeSync(fd, Buffer.from(`modified in round ${round} `), 0, undefined, 0);
    } finally {
      closeSync(fd);
    }
    changed++;
  }
  return changed;
}
