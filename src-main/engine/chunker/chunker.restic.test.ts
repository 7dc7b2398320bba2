/**
 * The chunker against the real restic 0.14: restic backs up a directory of edge-case files into a fresh v2
 * repository, and for every file the sha256 IDs of our chunks (with that repository's polynomial) must equal
 * the `content` list restic stored in its tree. Run for two repositories, i.e. two random polynomials. "Our
 * chunks" are those of the native-backed `Chunker` the engine uses — whole and streamed — and those of the
 * JavaScript `ReferenceChunker`.
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf } from '../ids';
import { makeTempDir, removeTempDir, resticOk } from '../testing/restic-cli';
import { chunksOf } from './chunk-stream';
import { maxChunkSize, minChunkSize, splitIntoChunks } from './chunker';
import { parseChunkerPolynomial } from './chunker-polynomial';
import { dataWithoutCuts, seededBytes, seededText } from './chunker-test-data';
import type { Polynomial } from './gf2-polynomial';
import { referenceChunkBoundaries } from './reference-chunker';

const MiB = 1024 * 1024;

interface TestFile {
  name: string;
  data: Buffer;
}

/** The edge cases, for polynomials `polynomials` (the cut-free data depends on them). */
function edgeCaseFiles(polynomials: readonly Polynomial[]): TestFile[] {
  const noCuts = (size: number) => dataWithoutCuts('no-cuts', size, polynomials);
  return [
    { name: 'empty', data: Buffer.alloc(0) },
    { name: 'one-byte', data: seededBytes('one', 1) },
    { name: 'min-size-minus-1', data: seededBytes('min-1', minChunkSize - 1) },
    { name: 'min-size', data: seededBytes('min', minChunkSize) },
    { name: 'min-size-plus-1', data: seededBytes('min+1', minChunkSize + 1) },
    { name: 'random-8mib', data: seededBytes('random', 8 * MiB + 12_345) },
    // Every all-zero window has fingerprint 0, so zeros are cut at exactly MinSize.
    { name: 'zeros-20mib', data: Buffer.alloc(20 * MiB + 1000) },
    { name: 'text-3mib', data: seededText('text', 3 * MiB) },
    { name: 'no-cuts-max-size', data: noCuts(maxChunkSize) },
    { name: 'no-cuts-max-size-plus-1', data: noCuts(maxChunkSize + 1) },
    { name: 'no-cuts-17mib', data: noCuts(2 * maxChunkSize + 777) },
    // Content-defined cuts, then a stretch that forces a MaxSize cut, then content-defined cuts again.
    {
      name: 'random-then-no-cuts-then-random',
      data: Buffer.concat([
        seededBytes('mixed-a', 3 * MiB),
        noCuts(10 * MiB),
        seededBytes('mixed-b', 2 * MiB),
      ]),
    },
  ];
}

interface TreeNode {
  name: string;
  type: string;
  content?: string[] | null;
  subtree?: string;
}

async function readTree(repo: string, treeId: string): Promise<TreeNode[]> {
  const { stdout } = await resticOk(['cat', 'blob', treeId], { repo });
  return (JSON.parse(stdout) as { nodes: TreeNode[] }).nodes;
}

/** Backs up `dir` and returns restic's content list of every file directly in it, by name. */
async function backUpAndReadContents(repo: string, dir: string): Promise<Map<string, string[]>> {
  const backup = await resticOk(['backup', '--json', dir], { repo });
  const summary = backup.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { message_type: string; snapshot_id?: string })
    .find((message) => message.message_type === 'summary');
  if (!summary?.snapshot_id) throw new Error(`no snapshot ID in restic's backup output:\n${backup.stdout}`);
  const snapshot = JSON.parse(
    (await resticOk(['cat', 'snapshot', summary.snapshot_id], { repo })).stdout,
  ) as {
    tree: string;
  };
  // The snapshot's root tree holds the backed-up path component by component: / → tmp → … → dir.
  let nodes = await readTree(repo, snapshot.tree);
  for (const component of dir.split(path.sep).filter((part) => part !== '')) {
    const node = nodes.find((candidate) => candidate.name === component);
    if (node?.type !== 'dir' || !node.subtree) throw new Error(`restic's tree has no directory ${component}`);
    nodes = await readTree(repo, node.subtree);
  }
  const contents = new Map<string, string[]>();
  for (const node of nodes) {
    if (node.type === 'file' && node.content) contents.set(node.name, node.content);
  }
  return contents;
}

/** Our chunk IDs of a file read as the archiver would read it: streamed in odd-sized buffers. */
async function streamedChunkIds(file: string, polynomial: Polynomial): Promise<string[]> {
  const ids: string[] = [];
  const stream = createReadStream(file, { highWaterMark: MiB + 4097 });
  for await (const chunk of chunksOf(stream, polynomial)) ids.push(idOf(chunk.data));
  return ids;
}

describe('the chunker reproduces restic 0.14 chunk boundaries', () => {
  let workDir = '';
  let dataDir = '';
  const repos: { dir: string; polynomial: Polynomial }[] = [];
  let files: TestFile[] = [];

  beforeAll(async () => {
    workDir = await makeTempDir('chunker');
    const repoDirs = [path.join(workDir, 'repo-a'), path.join(workDir, 'repo-b')];
    await Promise.all(repoDirs.map((repo) => resticOk(['init', '--repository-version', '2'], { repo })));
    for (const repo of repoDirs) {
      const config = JSON.parse((await resticOk(['cat', 'config'], { repo })).stdout) as {
        chunker_polynomial: string;
      };
      repos.push({ dir: repo, polynomial: parseChunkerPolynomial(config.chunker_polynomial) });
    }
    files = edgeCaseFiles(repos.map((repo) => repo.polynomial));
    dataDir = path.join(workDir, 'files');
    await mkdir(dataDir);
    await Promise.all(files.map((file) => writeFile(path.join(dataDir, file.name), file.data)));
  });

  afterAll(async () => {
    if (workDir) await removeTempDir(workDir);
  });

  it('uses two different random polynomials', () => {
    expect(repos).toHaveLength(2);
    expect(repos[0]?.polynomial).not.toBe(repos[1]?.polynomial);
  });

  for (const index of [0, 1]) {
    it(`matches restic's content list of every file (repository ${index + 1})`, async () => {
      const repo = repos[index];
      if (!repo) throw new Error('repository was not initialized');
      const resticContents = await backUpAndReadContents(repo.dir, dataDir);
      expect([...resticContents.keys()].sort()).toEqual(files.map((file) => file.name).sort());

      for (const file of files) {
        const chunks = splitIntoChunks(file.data, repo.polynomial);
        const ours = chunks.map((chunk) => idOf(chunk));
        expect(ours, `${file.name} (polynomial ${repo.polynomial.toString(16)})`).toEqual(
          resticContents.get(file.name),
        );
        expect(await streamedChunkIds(path.join(dataDir, file.name), repo.polynomial), file.name).toEqual(
          ours,
        );
        const referenceEnds = referenceChunkBoundaries(file.data, repo.polynomial);
        const referenceIds = referenceEnds.map((end, i) =>
          idOf(file.data.subarray(referenceEnds[i - 1] ?? 0, end)),
        );
        expect(referenceIds, `${file.name} (reference chunker)`).toEqual(ours);
      }

      // The data was chosen to hit these cut rules; make sure it did (else the comparison proves less).
      const lengths = (name: string) => {
        const file = files.find((candidate) => candidate.name === name);
        if (!file) throw new Error(`no test file ${name}`);
        return splitIntoChunks(file.data, repo.polynomial).map((chunk) => chunk.length);
      };
      expect(lengths('empty')).toEqual([]);
      expect(lengths('min-size-minus-1')).toEqual([minChunkSize - 1]);
      expect(lengths('zeros-20mib')).toEqual([...Array<number>(40).fill(minChunkSize), 1000]);
      expect(lengths('no-cuts-max-size')).toEqual([maxChunkSize]);
      expect(lengths('no-cuts-max-size-plus-1')).toEqual([maxChunkSize, 1]);
      expect(lengths('no-cuts-17mib')).toEqual([maxChunkSize, maxChunkSize, 777]);
      expect(lengths('random-then-no-cuts-then-random')).toContain(maxChunkSize);
      // Content-defined cuts (neither MinSize, MaxSize nor the end decided them). With random polynomials the
      // count varies, but ~14 MiB of hashed random and text data without a single one has probability ~e^-14.
      const contentDefinedCuts = ['random-8mib', 'text-3mib', 'random-then-no-cuts-then-random']
        .flatMap((name) => lengths(name).slice(0, -1))
        .filter((length) => length > minChunkSize && length < maxChunkSize);
      expect(contentDefinedCuts.length).toBeGreaterThan(0);
    });
  }
});
