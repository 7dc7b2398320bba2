/**
 * Test-only: four "generations" of a source directory that share data the way successive backups of one machine
 * do — files present in every generation, files of one generation only, files two neighbours share — so that
 * forgetting generations 1 and 3 leaves packs fully used, fully unused and partly used. Contents are seeded: half
 * compressible text, half random bytes; a few files are big enough for several chunks.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const generationCount = 4;

interface FileSpec {
  name: string;
  size: number;
  text: boolean;
  /** The generations (1-based) holding the file. */
  in: readonly number[];
}

/** mulberry32: small and seeded. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const words = [
  'etc',
  'fstab',
  'boot',
  'efi',
  'grub',
  'lvm',
  'volume',
  'swap',
  'ext4',
  'uuid',
  'root',
  'mount',
];

function content(spec: FileSpec, seed: number): Buffer {
  const random = seededRandom(seed);
  if (!spec.text) {
    const random32 = Buffer.alloc(Math.ceil(spec.size / 4) * 4);
    for (let i = 0; i < random32.length; i += 4) random32.writeUInt32LE(Math.floor(random() * 2 ** 32), i);
    return random32.subarray(0, spec.size);
  }
  const bytes = Buffer.alloc(spec.size);
  let pos = 0;
  while (pos < bytes.length) {
    const word = words[Math.floor(random() * words.length)] ?? 'x';
    pos += bytes.write(`${word}${Math.floor(random() * 1000)}${random() < 0.1 ? '\n' : ' '}`, pos);
  }
  return bytes;
}

function fileSpecs(seed: number): FileSpec[] {
  const random = seededRandom(seed);
  const specs: FileSpec[] = [];
  const add = (group: string, count: number, gens: number[], min = 60_000, max = 420_000) => {
    for (let i = 0; i < count; i++) {
      const size = min + Math.floor(random() * (max - min));
      specs.push({ name: `${group}-${String(i).padStart(2, '0')}`, size, text: random() < 0.5, in: gens });
    }
  };
  add('common', 6, [1, 2, 3, 4]);
  add('common-big', 1, [1, 2, 3, 4], 1_600_000, 1_700_000);
  for (let g = 1; g <= generationCount; g++) add(`only-g${g}`, 9, [g]);
  add('only-g2-big', 1, [2], 2_200_000, 2_300_000);
  add('shared-g12', 4, [1, 2]);
  add('shared-g23', 4, [2, 3]);
  add('shared-g34', 4, [3, 4]);
  return specs;
}

/** Writes generation directories `<root>/gen1 … gen4`; returns their paths (index 0 = gen1). */
export async function writeGenerations(root: string, seed = 1): Promise<string[]> {
  const specs = fileSpecs(seed);
  const dirs: string[] = [];
  for (let g = 1; g <= generationCount; g++) {
    const dir = path.join(root, `gen${g}`);
    await mkdir(path.join(dir, 'sub'), { recursive: true });
    for (const [i, spec] of specs.entries()) {
      if (!spec.in.includes(g)) continue;
      // Some files in a subdirectory, so trees are nested.
      const where = i % 3 === 0 ? path.join(dir, 'sub') : dir;
      await writeFile(path.join(where, spec.name), content(spec, seed * 1000 + i));
    }
    await writeFile(path.join(dir, 'generation'), `generation ${g}\n`);
    dirs.push(dir);
  }
  return dirs;
}

/** Relative path → 'dir' or the file's size and SHA-256: equal digests mean equal trees of names and bytes. */
export async function directoryDigest(root: string): Promise<Map<string, string>> {
  const digest = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    for (const name of (await readdir(path.join(root, relative))).sort()) {
      const child = relative === '' ? name : `${relative}/${name}`;
      const full = path.join(root, child);
      if ((await lstat(full)).isDirectory()) {
        digest.set(child, 'dir');
        await visit(child);
      } else {
        const bytes = await readFile(full);
        digest.set(child, `${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}`);
      }
    }
  };
  await visit('');
  return digest;
}
