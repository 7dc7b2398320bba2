import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rabinTablesFor } from '../chunker/rabin-tables';
import { isEngineError } from '../errors';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import {
  expectedHotpathAbiVersion,
  type HotpathBinding,
  hotpathAddonCandidates,
  loadHotpathAddon,
  loadHotpathAddonFrom,
} from './hotpath-addon';

const _built = path.join('src-main', 'engine', 'native', 'hotpath', 'build', 'Release', 'hotpath.node');
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('hotpath-loader');
});
afterAll(() => removeTempDir(dir));

function loadError(candidates: string[]): string {
  try {
    loadHotpathAddonFrom(candidates);
  } catch (error) {
    if (isEngineError(error, 'IO_ERROR')) return error.message;
    throw error;
  }
  throw new Error('expected the load to fail');
}

describe('loading the addon', () => {
  it('loads the built addon from the source tree, once per thread', () => {
    const addon = loadHotpathAddon();
    expect(addon.abiVersion).toBe(expectedHotpathAbiVersion);
    expect(typeof addon.poly1305).toBe('function');
    expect(typeof addon.chunkerPush).toBe('function');
    expect(loadHotpathAddon()).toBe(addon);
  });

  it('fails loudly, naming every place searched, when the addon is missing', () => {
    const message = loadError([path.join(dir, 'a', 'hotpath.node'), path.join(dir, 'b', 'hotpath.node')]);
    expect(message).toContain('hot-path addon (native Poly1305 and chunker) could not be loaded');
    expect(message).toContain(`${path.join(dir, 'a', 'hotpath.node')}: not found`);
    expect(message).toContain(`${path.join(dir, 'b', 'hotpath.node')}: not found`);
    expect(message).toContain('node-gyp rebuild --directory src-main/engine/native/hotpath');
  });

  it('reports a file that is not a loadable addon, and goes on to the next candidate', async () => {
    const broken = path.join(dir, 'broken.node');
    await writeFile(broken, 'not an ELF file');
    expect(loadError([broken])).toContain(`${broken}: `);
    const real = loadHotpathAddon();
    expect(loadHotpathAddonFrom([broken, ...realCandidates()])).toBe(real);
  });

  it('refuses an outdated build (other interface version or functions missing)', async () => {
    const stale = path.join(dir, 'stale.cjs');
    await writeFile(
      stale,
      'const f = () => {}; module.exports = { abiVersion: 0, poly1305: f, poly1305Portable: f, ' +
        'chunkerStart: f, chunkerPush: f, aes256CtrInPlace: f };',
    );
    expect(loadError([stale])).toContain(`interface version 0, expected ${expectedHotpathAbiVersion}`);
    const partial = path.join(dir, 'partial.cjs');
    await writeFile(partial, 'module.exports = { abiVersion: 1, poly1305() {} };');
    expect(loadError([partial])).toContain(
      'missing poly1305Portable, chunkerStart, chunkerPush, aes256CtrInPlace',
    );
  });
});

function realCandidates(): string[] {
  return hotpathAddonCandidates({ moduleDir: __dirname, resourcesPath: undefined, env: {} });
}

/** What a thread computes with its own instance of the addon: Poly1305 tags and chunker cuts. */
interface ThreadResult {
  tags: string[];
  cuts: number[][];
}

/** Runs in each worker thread: loads the addon file itself (each thread gets its own instance) and works. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.addonFile);
const tags = [];
const cuts = [];
for (let round = 0; round < workerData.rounds; round++) {
  for (const message of workerData.messages) tags.push(addon.poly1305(workerData.key, message).toString('hex'));
  const state = new Uint8Array(addon.chunkerStateSize);
  addon.chunkerStart(state);
  cuts.push(addon.chunkerPush(state, workerData.tables, workerData.data));
}
parentPort.postMessage({ tags, cuts });
`;

function computeInThread(workerData: unknown): Promise<ThreadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData });
    worker.once('message', (result: ThreadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
    });
  });
}

function computeHere(addon: HotpathBinding, job: WorkJob): ThreadResult {
  const tags: string[] = [];
  const cuts: number[][] = [];
  for (let round = 0; round < job.rounds; round++) {
    for (const message of job.messages) tags.push(addon.poly1305(job.key, message).toString('hex'));
    const state = new Uint8Array(addon.chunkerStateSize);
    addon.chunkerStart(state);
    cuts.push(addon.chunkerPush(state, job.tables, job.data));
  }
  return { tags, cuts };
}

interface WorkJob {
  addonFile: string;
  key: Uint8Array;
  messages: Uint8Array[];
  tables: BigUint64Array;
  data: Uint8Array;
  rounds: number;
}

describe('the addon in worker threads', () => {
  it('loads in several threads at once and in threads started after others exited (context-aware)', async () => {
    const addonFile = realCandidates().find((candidate) => existsSync(candidate));
    if (addonFile === undefined) throw new Error('the addon is not built');
    const rabin = rabinTablesFor(0x3da3358b4dc173n);
    const tables = new BigUint64Array(512);
    for (let b = 0; b < 256; b++) {
      tables[b] = (BigInt(rabin.outHi[b] ?? 0) << 32n) | BigInt(rabin.outLo[b] ?? 0);
      tables[256 + b] = (BigInt(rabin.modHi[b] ?? 0) << 32n) | BigInt(rabin.modLo[b] ?? 0);
    }
    const job: WorkJob = {
      addonFile,
      key: randomBytes(32),
      messages: [randomBytes(0), randomBytes(17), randomBytes(100_000)],
      tables,
      // Zeros then random data: cuts at MinSize and content-defined ones.
      data: Buffer.concat([Buffer.alloc(1_100_000), randomBytes(5_000_000)]),
      rounds: 3,
    };
    const expected = computeHere(loadHotpathAddon(), job);
    expect(expected.cuts[0]?.slice(0, 2)).toEqual([524_288, 1_048_576]);
    const first = await Promise.all([computeInThread(job), computeInThread(job), computeInThread(job)]);
    const later = await Promise.all([computeInThread(job), computeInThread(job)]);
    for (const result of [...first, ...later]) expect(result).toEqual(expected);
  }, 60_000);
});
