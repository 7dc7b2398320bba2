// @ts-check
/**
 * What every benchmark needs: command-line options, a command measured under GNU time (wall time, peak RSS, CPU),
 * medians, directory sizes. Shared by bench/engine and bench/remote so both measure the same way.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ourCli = path.join(projectRoot, 'out', 'main', 'cli.js');

/** `--name VALUE` from the command line, or `fallback`. @param {string} name @param {string} fallback */
export function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? /** @type {string} */ (process.argv[i + 1]) : fallback;
}

/** @typedef {{ seconds: number, rssKiB: number, cpuSeconds: number }} Sample */

/**
 * Runs a command under GNU time; returns wall seconds, peak RSS (KiB; the largest of the process and the children
 * it waited for) and CPU seconds (user + system, its waited-for children included). Throws on failure with its
 * output. `timeFile` is where GNU time writes (a scratch file of the benchmark's).
 * @param {string[]} argv @param {{ env?: Record<string, string>, timeFile: string }} options
 * @returns {Sample}
 */
export function measure(argv, { env = {}, timeFile }) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', '-o', timeFile, ...argv], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) {
    throw new Error(
      `${argv.join(' ')} failed (${result.status}):\n${result.stderr}\n${result.stdout}`.slice(0, 4000),
    );
  }
  // The last line: GNU time prefixes "Command exited with non-zero status" lines, never on success, but be safe.
  const [seconds, rssKiB, user, system] = readFileSync(timeFile, 'utf8')
    .trim()
    .split(/\s+/)
    .slice(-4)
    .map(Number);
  return {
    seconds: seconds ?? Number.NaN,
    rssKiB: rssKiB ?? Number.NaN,
    cpuSeconds: (user ?? Number.NaN) + (system ?? Number.NaN),
  };
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Bytes under a directory (du -sb). @param {string} dir */
export function sizeOf(dir) {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

/** Builds out/ when a source changed (the benchmarks run the built CLI). */
export function ensureBuild() {
  execFileSync('node', [path.join(projectRoot, 'src-main', 'tooling', 'ensure-build.mjs')], {
    stdio: 'inherit',
  });
}
