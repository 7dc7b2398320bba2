// @ts-check
/**
 * `npm run bench:engine`: our engine against the real restic on the same data, in the same run, alternating.
 * Prints, per operation, the wall-time ratio ours/restic (median of the runs), each side's peak RSS, and the
 * repository size ratio; plus the physical reference `tar cf - DATA | zstd -1 -T2`. Operations: full backup,
 * no-change backup, backup after changing 1% of the files, restore, check --read-data, forget --keep-last 1 --prune.
 *
 * Options: --runs N (3), --large-mib N (200: size of each large file), --random-files N (3),
 *          --system-dir DIR (/usr/share), --work DIR (/var/tmp/bm-bench), --keep (keep repositories).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureBuild, measure as measureIn, median, option, ourCli, sizeOf } from '../shared/measure.mjs';
import { generateDataset, modifyFiles } from './dataset.mjs';

const password = 'bench password';

const runs = Number(option('runs', '3'));
const work = option('work', '/var/tmp/bm-bench');
const keep = process.argv.includes('--keep');

/** @param {string[]} argv @param {Record<string, string>} env */
function measure(argv, env = {}) {
  return measureIn(argv, { env, timeFile: path.join(work, 'time.out') });
}

/** The two tools, driven through their command lines with the same data and the same password. */
const tools = {
  restic: {
    env: (/** @type {string} */ repo) => ({ RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password }),
    init: () => ['restic', 'init', '--repository-version', '2'],
    backup: (/** @type {string} */ data) => ['restic', 'backup', '--quiet', '--no-cache', data],
    restore: (/** @type {string} */ target) => [
      'restic',
      'restore',
      'latest',
      '--no-cache',
      '--target',
      target,
    ],
    check: () => ['restic', 'check', '--read-data', '--no-cache'],
    prune: () => ['restic', 'forget', '--keep-last', '1', '--prune', '--no-cache'],
  },
  ours: {
    env: (/** @type {string} */ repo) => ({
      BACKUP_MANAGER_REPOSITORY: repo,
      BACKUP_MANAGER_PASSWORD: password,
    }),
    init: () => ['node', ourCli, 'init'],
    backup: (/** @type {string} */ data) => ['node', ourCli, 'backup', '--quiet', data],
    restore: (/** @type {string} */ target) => ['node', ourCli, 'restore', 'latest', '--target', target],
    check: () => ['node', ourCli, 'check', '--read-data'],
    prune: () => ['node', ourCli, 'forget', '--keep-last', '1', '--prune'],
  },
};

/** Our CLI gets `check` with the integrity work; until then that row is reported as not measured. */
const oursHasCheck = spawnSync('node', [ourCli, 'check', '--help'], { encoding: 'utf8' }).status === 0;
const oursHasPrune = spawnSync('node', [ourCli, 'prune', '--help'], { encoding: 'utf8' }).status === 0;

/** @typedef {'full' | 'no-change' | '1% changed' | 'restore' | 'check --read-data' | 'forget + prune'} Operation */
/** @type {Operation[]} */
const operations = ['full', 'no-change', '1% changed', 'restore', 'check --read-data', 'forget + prune'];
/** @typedef {import('../shared/measure.mjs').Sample} Sample */
/** @type {{ restic: Record<string, Sample[]>, ours: Record<string, Sample[]> }} */
const samples = { restic: {}, ours: {} };
/** @type {{ restic: number[], ours: number[] }} */
const repoSizes = { restic: [], ours: [] };

/** @param {'restic' | 'ours'} tool @param {Operation} op @param {Sample} sample */
function record(tool, op, sample) {
  const list = samples[tool][op] ?? [];
  list.push(sample);
  samples[tool][op] = list;
  console.log(
    `  ${tool.padEnd(6)} ${op.padEnd(18)} ${sample.seconds.toFixed(2).padStart(7)} s  ${(sample.rssKiB / 1024).toFixed(0).padStart(5)} MiB`,
  );
}

function main() {
  ensureBuild();
  mkdirSync(work, { recursive: true });
  const data = generateDataset({
    dir: path.join(work, 'data'),
    systemDir: option('system-dir', '/usr/share'),
    largeMiB: Number(option('large-mib', '200')),
    randomFiles: Number(option('random-files', '3')),
  });
  console.log(
    `Dataset ${data.dir}: ${(data.bytes / 1e9).toFixed(2)} GB in ${data.files} files; ${runs} runs.`,
  );
  console.log(`restic: ${execFileSync('restic', ['version'], { encoding: 'utf8' }).trim()}`);

  for (let run = 1; run <= runs; run++) {
    console.log(`Run ${run}/${runs}`);
    // Alternate which tool goes first so page-cache warmth does not favour one side.
    /** @type {('restic' | 'ours')[]} */
    const order = run % 2 ? ['restic', 'ours'] : ['ours', 'restic'];
    const repos = {
      restic: path.join(work, `repo-restic-${run}`),
      ours: path.join(work, `repo-ours-${run}`),
    };
    for (const tool of order) {
      rmSync(repos[tool], { recursive: true, force: true });
      const env = tools[tool].env(repos[tool]);
      measure(tools[tool].init(), env);
      record(tool, 'full', measure(tools[tool].backup(data.dir), env));
      record(tool, 'no-change', measure(tools[tool].backup(data.dir), env));
    }
    const changed = modifyFiles(data.dir, 1, run);
    console.log(`  (modified ${changed} files)`);
    for (const tool of order) {
      const env = tools[tool].env(repos[tool]);
      record(tool, '1% changed', measure(tools[tool].backup(data.dir), env));
      repoSizes[tool].push(sizeOf(repos[tool]));
    }
    for (const tool of order) {
      const env = tools[tool].env(repos[tool]);
      const target = path.join(work, `restore-${tool}`);
      rmSync(target, { recursive: true, force: true });
      record(tool, 'restore', measure(tools[tool].restore(target), env));
      rmSync(target, { recursive: true, force: true });
      if (tool === 'restic' || oursHasCheck)
        record(tool, 'check --read-data', measure(tools[tool].check(), env));
      // Keeping only the last snapshot frees the 1% of changed data: prune repacks or drops those packs.
      if (tool === 'restic' || oursHasPrune)
        record(tool, 'forget + prune', measure(tools[tool].prune(), env));
    }
    if (!keep) for (const tool of order) rmSync(repos[tool], { recursive: true, force: true });
  }

  const reference = measure([
    'bash',
    '-c',
    `tar cf - -C ${JSON.stringify(data.dir)} . | zstd -1 -T2 > /dev/null`,
  ]);
  console.log('\nResults (median of runs; ratio = ours / restic, lower is better)');
  console.log('operation            restic s   ours s   ratio   restic RSS   ours RSS   RSS ratio');
  for (const op of operations) {
    const r = samples.restic[op] ?? [];
    const o = samples.ours[op] ?? [];
    if (o.length === 0) {
      console.log(
        `${op.padEnd(20)} ${median(r.map((s) => s.seconds))
          .toFixed(2)
          .padStart(8)}   (ours: not measured — no such command yet)`,
      );
      continue;
    }
    const rs = median(r.map((s) => s.seconds));
    const os = median(o.map((s) => s.seconds));
    const rr = Math.max(...r.map((s) => s.rssKiB)) / 1024;
    const or = Math.max(...o.map((s) => s.rssKiB)) / 1024;
    console.log(
      `${op.padEnd(20)} ${rs.toFixed(2).padStart(8)} ${os.toFixed(2).padStart(8)} ${(os / rs).toFixed(2).padStart(7)}` +
        `   ${rr.toFixed(0).padStart(7)} MiB ${or.toFixed(0).padStart(6)} MiB ${(or / rr).toFixed(2).padStart(9)}`,
    );
  }
  const sizeRatio = median(repoSizes.ours) / median(repoSizes.restic);
  console.log(
    `repository size      restic ${(median(repoSizes.restic) / 1e6).toFixed(0)} MB, ours ${(median(repoSizes.ours) / 1e6).toFixed(0)} MB, ratio ${sizeRatio.toFixed(3)}`,
  );
  console.log(`reference            tar | zstd -1 -T2: ${reference.seconds.toFixed(2)} s`);
}

main();
