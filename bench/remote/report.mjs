// @ts-check
/** The tables `npm run bench:remote` prints for one target: medians, ratios ours/restic, spread and CPU. */
import { median } from '../shared/measure.mjs';

/**
 * A sample with the CPU of the server and of restic's helper processes (its ssh; included in cpuSeconds) meanwhile.
 * @typedef {import('../shared/measure.mjs').Sample & { serverCpuSeconds: number, helperCpuSeconds: number }} Measurement
 */

/**
 * @param {string} target @param {number} bytes the dataset's size (throughput is source bytes per second)
 * @param {Record<string, Record<'ours' | 'restic', Measurement[]>>} samples per operation and tool
 */
export function printResults(target, bytes, samples) {
  const runs = Object.values(samples)[0]?.ours.length ?? 0;
  console.log(`\n${target}: results (median of ${runs} runs; ratio = ours / restic, lower is better)`);
  console.log(
    'operation   restic s   ours s   ratio   restic MB/s  ours MB/s   restic RSS  ours RSS  RSS ratio',
  );
  for (const [op, { ours, restic }] of Object.entries(samples)) {
    const rs = median(restic.map((s) => s.seconds));
    const os = median(ours.map((s) => s.seconds));
    // Peak RSS: the largest of the runs, as bench:engine reports it.
    const rr = Math.max(...restic.map((s) => s.rssKiB)) / 1024;
    const or = Math.max(...ours.map((s) => s.rssKiB)) / 1024;
    console.log(
      `${op.padEnd(10)} ${rs.toFixed(2).padStart(8)} ${os.toFixed(2).padStart(8)} ${(os / rs).toFixed(2).padStart(7)}` +
        `   ${(bytes / 1e6 / rs).toFixed(1).padStart(11)} ${(bytes / 1e6 / os).toFixed(1).padStart(10)}` +
        `   ${rr.toFixed(0).padStart(7)} MiB ${or.toFixed(0).padStart(5)} MiB ${(or / rr).toFixed(2).padStart(9)}`,
    );
  }
  console.log('spread (min–max wall s over the runs)');
  for (const [op, { ours, restic }] of Object.entries(samples)) {
    console.log(`${op.padEnd(10)} restic ${spread(restic)}   ours ${spread(ours)}`);
  }
  console.log(
    // restic reaches an SFTP server through an ssh process of its own, counted with it (and shown apart); over S3
    // it speaks to the server itself, so that column is 0.
    'CPU s (median)   restic (+ its helpers)   of which ssh   server for restic   ours   server for ours',
  );
  for (const [op, { ours, restic }] of Object.entries(samples)) {
    console.log(
      `${op.padEnd(16)} ${cpu(restic, 'cpuSeconds').padStart(21)} ${cpu(restic, 'helperCpuSeconds').padStart(14)}` +
        ` ${cpu(restic, 'serverCpuSeconds').padStart(19)} ${cpu(ours, 'cpuSeconds').padStart(6)}` +
        ` ${cpu(ours, 'serverCpuSeconds').padStart(17)}`,
    );
  }
}

/** @param {Measurement[]} list */
function spread(list) {
  const seconds = list.map((s) => s.seconds);
  return `${Math.min(...seconds).toFixed(2)}–${Math.max(...seconds).toFixed(2)}`;
}

/** @param {Measurement[]} list @param {'cpuSeconds' | 'serverCpuSeconds' | 'helperCpuSeconds'} key */
function cpu(list, key) {
  return median(list.map((s) => s[key])).toFixed(1);
}
