// @ts-check
/**
 * `npm run bench:remote`: our CLI against the real restic over a real server on 127.0.0.1, on the same data, in the
 * same run, alternating which goes first. Per target (targets.mjs: SFTP, S3) and tool: a full backup into
 * a fresh repository, then a restore of it; printed as throughput (MB/s of source data), wall time, peak RSS and
 * CPU, with the ratios ours/restic of the medians. The server's CPU is reported beside each tool's: on a machine
 * with few cores the server (and restic's ssh subprocess) compete with the client for them.
 *
 * Checked after each run, or the benchmark fails: each restore equals the source (diff -r, contents, symlinks and
 * file types), and `restic check` finds our repository clean.
 *
 * Options: --runs N (3), --data DIR (default: bench:engine's dataset, generated when missing), --targets LIST
 *          or --target NAME (default: every target of targets.mjs), --work DIR (/var/tmp/bm-bench-remote),
 *          --check-read-data (restic check --read-data), --keep (keep repositories).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateDataset, measureDataset } from '../engine/dataset.mjs';
import { ensureBuild, measure, option, ourCli } from '../shared/measure.mjs';
import { printResults } from './report.mjs';
import { targets } from './targets.mjs';

const password = 'bench password';
const runs = Number(option('runs', '3'));
const work = path.resolve(option('work', '/var/tmp/bm-bench-remote'));
const keep = process.argv.includes('--keep');
const readData = process.argv.includes('--check-read-data');
const targetNames = option('targets', option('target', Object.keys(targets).join(','))).split(',');
const timeFile = path.join(work, 'time.out');

/** @typedef {'ours' | 'restic'} Tool */
/** @typedef {import('./targets.mjs').RemoteRepository} RemoteRepository */
/** @typedef {import('./report.mjs').Measurement} Measurement */

/** The command lines of both tools for one repository: same data, same password. */
const commands = {
  ours: {
    env: (/** @type {RemoteRepository} */ repo) => ({ ...repo.ours, BACKUP_MANAGER_PASSWORD: password }),
    init: () => ['node', ourCli, 'init'],
    backup: (/** @type {string} */ data) => ['node', ourCli, 'backup', '--quiet', data],
    restore: (/** @type {string} */ target) => ['node', ourCli, 'restore', 'latest', '--target', target],
  },
  restic: {
    env: (/** @type {RemoteRepository} */ repo) => ({ ...repo.restic.env, RESTIC_PASSWORD: password }),
    init: (/** @type {RemoteRepository} */ repo) => [
      'restic',
      ...repo.restic.options,
      'init',
      '--repository-version',
      '2',
    ],
    backup: (/** @type {string} */ data, /** @type {RemoteRepository} */ repo) => [
      'restic',
      ...repo.restic.options,
      'backup',
      '--quiet',
      '--no-cache',
      data,
    ],
    restore: (/** @type {string} */ target, /** @type {RemoteRepository} */ repo) => [
      'restic',
      ...repo.restic.options,
      'restore',
      'latest',
      '--no-cache',
      '--target',
      target,
    ],
  },
};

/** The dataset: --data DIR as it is, or bench:engine's (the same files that benchmark measures). */
function dataset() {
  const dir = option('data', '');
  if (dir !== '') return measureDataset(path.resolve(dir));
  return generateDataset({
    dir: '/var/tmp/bm-bench/data',
    systemDir: '/usr/share',
    largeMiB: 200,
    randomFiles: 3,
  });
}

/**
 * Measures a command, and the CPU of the server and of restic's helper (ssh) during it.
 * @param {string[]} argv @param {Record<string, string>} env @param {import('./targets.mjs').RemoteTarget} target
 * @returns {Measurement}
 */
function measureWithServer(argv, env, target) {
  const server = target.serverCpuSeconds();
  const helper = target.resticHelperCpuSeconds();
  const sample = measure(argv, { env, timeFile });
  return {
    ...sample,
    serverCpuSeconds: target.serverCpuSeconds() - server,
    helperCpuSeconds: target.resticHelperCpuSeconds() - helper,
  };
}

/** Fails the benchmark when a restore differs from the source. @param {string} source @param {string} restored */
function assertRestoredEqual(source, restored) {
  // --no-dereference: symlinks are compared as links; diff also reports files of one kind restored as another.
  const diff = spawnSync('diff', ['-r', '-q', '--no-dereference', source, restored], { encoding: 'utf8' });
  if (diff.status !== 0) {
    throw new Error(
      `the restore in ${restored} differs from ${source}:\n${diff.stdout}${diff.stderr}`.slice(0, 4000),
    );
  }
}

/** Fails the benchmark when restic does not find our repository clean. @param {RemoteRepository} repo */
function assertResticCheckClean(repo) {
  const args = [
    'restic',
    ...repo.restic.options,
    'check',
    '--no-cache',
    ...(readData ? ['--read-data'] : []),
  ];
  const result = spawnSync(args[0] ?? 'restic', args.slice(1), {
    env: { ...process.env, ...commands.restic.env(repo) },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `restic check of our repository failed:\n${result.stdout}${result.stderr}`.slice(0, 4000),
    );
  }
}

/**
 * One target, all runs. @param {import('./targets.mjs').RemoteTarget} target
 * @param {{ dir: string, bytes: number, files: number }} data
 */
function benchTarget(target, data) {
  /** @type {Record<string, Record<Tool, Measurement[]>>} */
  const samples = { backup: { ours: [], restic: [] }, restore: { ours: [], restic: [] } };
  for (let run = 1; run <= runs; run++) {
    console.log(`${target.name}: run ${run}/${runs}`);
    // Alternate which tool goes first so page-cache warmth does not favour one side.
    /** @type {Tool[]} */
    const order = run % 2 ? ['restic', 'ours'] : ['ours', 'restic'];
    for (const tool of order) {
      const repo = target.repository(`${tool}-${run}`);
      const env = commands[tool].env(repo);
      measure(commands[tool].init(repo), { env, timeFile });
      const backup = measureWithServer(commands[tool].backup(data.dir, repo), env, target);
      samples.backup?.[tool].push(backup);
      log(tool, 'backup', backup, data.bytes);
      const restoreDir = path.join(work, `restore-${tool}`);
      rmSync(restoreDir, { recursive: true, force: true });
      const restore = measureWithServer(commands[tool].restore(restoreDir, repo), env, target);
      samples.restore?.[tool].push(restore);
      log(tool, 'restore', restore, data.bytes);
      // Both tools restore a snapshot's absolute paths below the target.
      assertRestoredEqual(data.dir, path.join(restoreDir, data.dir));
      rmSync(restoreDir, { recursive: true, force: true });
      if (tool === 'ours') assertResticCheckClean(repo);
      if (!keep) repo.remove();
    }
    console.log('  (restores equal to the source; restic check clean on ours)');
  }
  return samples;
}

/** @param {Tool} tool @param {string} op @param {Measurement} m @param {number} bytes */
function log(tool, op, m, bytes) {
  console.log(
    `  ${tool.padEnd(6)} ${op.padEnd(8)} ${m.seconds.toFixed(2).padStart(7)} s ${(bytes / 1e6 / m.seconds).toFixed(1).padStart(7)} MB/s` +
      ` ${(m.rssKiB / 1024).toFixed(0).padStart(5)} MiB  cpu ${m.cpuSeconds.toFixed(1)} s` +
      `${tool === 'restic' ? ` (ssh ${m.helperCpuSeconds.toFixed(1)} s)` : ''}, server ${m.serverCpuSeconds.toFixed(1)} s`,
  );
}

async function main() {
  ensureBuild();
  mkdirSync(work, { recursive: true });
  const data = dataset();
  console.log(
    `Dataset ${data.dir}: ${(data.bytes / 1e9).toFixed(2)} GB in ${data.files} files; ${runs} runs.`,
  );
  console.log(`restic: ${execFileSync('restic', ['version'], { encoding: 'utf8' }).trim()}`);
  for (const name of targetNames) {
    const start = targets[name];
    if (start === undefined) throw new Error(`no target ${name} (known: ${Object.keys(targets).join(', ')})`);
    const target = await start(work);
    console.log(`Target ${name}: ${target.description}`);
    try {
      printResults(target.name, data.bytes, benchTarget(target, data));
    } finally {
      await target.stop();
    }
  }
}

await main();
