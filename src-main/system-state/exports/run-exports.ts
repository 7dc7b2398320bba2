/**
 * Runs an export plan into a staging folder. Output is written to a temporary file and renamed, so a file in the
 * staging folder is always complete. A missing tool is an outcome (`tool-missing`) with its evidence, not an
 * exception; running out of space is (INSUFFICIENT_SPACE), because nothing after it could succeed either.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult } from '../command-runner/command-runner';
import { fromNodeError } from '../errors';
import type { ExportResult, ExportStep } from './export-plan';

export async function runExports(
  runner: CommandRunner,
  steps: readonly ExportStep[],
  stagingDir: string,
): Promise<ExportResult[]> {
  const results: ExportResult[] = [];
  for (const step of steps) {
    const files = [...(step.stdoutFile ? [step.stdoutFile] : []), ...(step.writes ?? [])];
    for (const file of files)
      await mkdir(path.join(stagingDir, path.dirname(file.endsWith('/') ? `${file}x` : file)), {
        recursive: true,
      });
    const result = await runner.run({
      argv: step.argv,
      timeoutMs: step.timeoutMs ?? 120_000,
      ...(step.input === undefined ? {} : { input: step.input }),
    });
    const ok =
      result.kind === 'exited' &&
      (result.exitCode === 0 || (step.okExitCodes ?? []).includes(result.exitCode));
    if (result.kind === 'missing') {
      results.push({
        id: step.id,
        componentId: step.componentId,
        outcome: 'tool-missing',
        files: [],
        evidence: describeResult(result),
      });
      continue;
    }
    if (!ok || result.kind !== 'exited') {
      results.push({
        id: step.id,
        componentId: step.componentId,
        outcome: 'failed',
        files: [],
        evidence: describeResult(result),
      });
      continue;
    }
    if (step.stdoutFile) {
      const target = path.join(stagingDir, step.stdoutFile);
      try {
        await writeFile(`${target}.partial`, result.stdout);
        await rename(`${target}.partial`, target);
      } catch (error) {
        throw fromNodeError(error, `writing ${target}`);
      }
    }
    results.push({
      id: step.id,
      componentId: step.componentId,
      outcome: 'written',
      files,
      evidence: `${describeResult(result)}${step.stdoutFile ? ` → ${step.stdoutFile} (${Buffer.byteLength(result.stdout)} bytes)` : ''}`,
    });
  }
  return results;
}

/**
 * `<location>/backup-manager/staging/<sessionId>`: removed with the snapshot when the session ends. `paths` is
 * the path flavour of the machine the folder is on (`path.win32` for a Windows location).
 */
export function stagingFolder(location: string, sessionId: string, paths: path.PlatformPath = path): string {
  return paths.join(location, 'backup-manager', 'staging', sessionId);
}

export async function writeManifestFile(stagingDir: string, manifest: unknown): Promise<string> {
  return writeStagingJson(stagingDir, 'machine-manifest.json', manifest);
}

/** A JSON file of the staging folder (manifest, components record), complete or absent: written and renamed. */
export async function writeStagingJson(
  stagingDir: string,
  fileName: string,
  value: unknown,
): Promise<string> {
  const target = path.join(stagingDir, fileName);
  await mkdir(stagingDir, { recursive: true });
  await writeFile(`${target}.partial`, `${JSON.stringify(value, null, 2)}\n`);
  await rename(`${target}.partial`, target);
  return target;
}
