/**
 * Test-only: the real restic 0.14 as the judge of a pruned repository — `check` (optionally `--read-data`) must
 * pass, and each snapshot must restore byte for byte to the directory it was taken of. restic runs one process at
 * a time (0.14 can stall for ~30 s when several touch one repository's locks at once).
 */
import path from 'node:path';
import type { Id } from '../../ids';
import { removeTempDir, restic, resticOk } from '../../testing/restic-cli';
import { directoryDigest } from './generations';

/** restic check's output; throws with it when restic finds an error. */
export async function resticCheck(repo: string, options: { readData?: boolean } = {}): Promise<string> {
  const result = await restic(['check', ...(options.readData ? ['--read-data'] : [])], { repo });
  const output = `${result.stdout}${result.stderr}`;
  if (result.code !== 0) throw new Error(`restic check failed (exit ${result.code}):\n${output}`);
  return output;
}

/** Lines describing how a restored snapshot differs from its source (empty when equal). */
export async function restoreDifferences(
  repo: string,
  snapshot: Id,
  source: string,
  target: string,
): Promise<string[]> {
  await removeTempDir(target);
  await resticOk(['restore', snapshot, '--target', target], { repo });
  const expected = await directoryDigest(source);
  const actual = await directoryDigest(path.join(target, source));
  await removeTempDir(target);
  const differences: string[] = [];
  for (const [file, digest] of expected) {
    if (actual.get(file) !== digest)
      differences.push(`${snapshot.slice(0, 8)}: ${file} differs or is missing`);
  }
  for (const file of actual.keys()) {
    if (!expected.has(file)) differences.push(`${snapshot.slice(0, 8)}: extra ${file}`);
  }
  return differences;
}

/** Restores every given snapshot (generation index → snapshot) and collects the differences. */
export async function restoreAllDifferences(
  repo: string,
  snapshots: readonly { snapshot: Id; source: string }[],
  workDir: string,
): Promise<string[]> {
  const differences: string[] = [];
  for (const { snapshot, source } of snapshots) {
    differences.push(...(await restoreDifferences(repo, snapshot, source, path.join(workDir, 'restore'))));
  }
  return differences;
}
