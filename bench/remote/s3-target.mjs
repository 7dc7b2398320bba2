// @ts-check
/**
 * The S3 target: a throwaway single-node Ceph 16 and its RADOS Gateway on 127.0.0.1 (the tests' harness,
 * testing/ceph-rgw-server.ts), reached by our CLI (AWS SDK) and by restic (minio-go) with the same keys, each
 * repository in a bucket of its own.
 *
 * memstore keeps every object in RAM. The run loop removes each repository before the next one is made, so at
 * most one repository (the dataset, ~1.5 GB, less after compression) is stored at a time; the store is sized for
 * that with room to spare. A bucket is removed with `radosgw-admin bucket rm --purge-objects --bypass-gc`: a plain
 * S3 delete hands a pack's data (its tail objects) to radosgw's garbage collector, which frees it only after
 * hours (rgw_gc_obj_min_wait), so memory would grow with every run.
 *
 * The gateway runs with beast's tcp_nodelay=1. With Ceph's default (Nagle on) every small GET waits ~40 ms for
 * the client's delayed ACK before its body is sent: restic 0.14's restore of the dataset's 0.6 GB of system
 * files took 333 s (1.8 MB/s; ours 42 s), a measure of that stall rather than of either client. A production
 * gateway behind a proxy or AWS itself does not stall so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadTestingHarness } from './testing-harness.mjs';

/** @typedef {import('./targets.mjs').RemoteTarget} RemoteTarget */
/** @typedef {import('../../src-main/engine/testing/ceph-rgw-server').CephRgwServer} CephRgwServer */
/** @typedef {import('../../src-main/engine/testing/ceph-rgw-server').CephRgwOptions} CephRgwOptions */

/** The OSD's capacity: one repository of the full dataset, twice over, plus what radosgw keeps of its own. */
const memstoreBytes = 6 * 1024 ** 3;

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system) a process has used, from /proc. @param {number} pid */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces); utime and stime are 14 and 15 (1-based).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** A process's name and its current and peak resident memory in MiB, from /proc. @param {number} pid */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (/** @type {string} */ field) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  const name = /^Name:\s+(\S+)/m.exec(status)?.[1] ?? String(pid);
  return { name, rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** @param {string} work the benchmark's work directory (unused: the cluster has its own) @returns {Promise<RemoteTarget>} */
export async function startS3Target(work) {
  const harness = await loadTestingHarness('ceph-rgw-server', work);
  const startCephRgw = /** @type {(options: CephRgwOptions) => Promise<CephRgwServer>} */ (
    harness.startCephRgw
  );
  const server = await startCephRgw({ memstoreBytes, tcpNoDelay: true });
  // Ctrl-C in a terminal reaches the whole process group: the daemons stop, the running tool fails, and run.mjs's
  // `finally` calls stop(), which removes the cluster's directory. This handler covers a signal sent to this
  // process alone; it runs only once the event loop is free (the runs are synchronous: between targets, or when
  // the tool being measured ends), and a signal otherwise ends Node without the harness's exit handler.
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    console.error(`${signal}: stopping Ceph`);
    server.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const credentials = {
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
  };
  /** @type {Map<number, { name: string, peakMiB: number }>} */
  const peaks = new Map();
  const notePeaks = () => {
    for (const pid of server.daemonPids()) peaks.set(pid, memory(pid));
  };
  return {
    name: 's3',
    description: `Ceph 16 RADOS Gateway (beast tcp_nodelay=1, memstore OSD of ${memstoreBytes / 1024 ** 3} GiB) at ${server.endpoint}`,
    repository(name) {
      // A bucket per repository; both tools create it at init (bucket names: lowercase, digits, hyphens).
      const location = `s3:${server.endpoint}/bench-${name}`;
      return {
        ours: { BACKUP_MANAGER_REPOSITORY: location, ...credentials, AWS_REGION: server.region },
        restic: { env: { RESTIC_REPOSITORY: location, ...credentials }, options: [] },
        remove() {
          notePeaks(); // the most the cluster held: just before the repository goes
          const removed = spawnSync(
            'radosgw-admin',
            [
              '-c',
              server.configPath,
              'bucket',
              'rm',
              `--bucket=bench-${name}`,
              '--purge-objects',
              '--bypass-gc',
            ],
            { encoding: 'utf8' },
          );
          if (removed.status !== 0) {
            throw new Error(
              `radosgw-admin bucket rm bench-${name} failed:\n${removed.stderr}`.slice(0, 4000),
            );
          }
        },
      };
    },
    serverCpuSeconds: () => server.daemonPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    // restic speaks S3 itself: it starts no helper process.
    resticHelperCpuSeconds: () => 0,
    async stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      try {
        notePeaks();
        const summary = [...peaks.values()].map((m) => `${m.name} ${m.peakMiB.toFixed(0)} MiB`).join(', ');
        console.log(`Ceph peak RSS: ${summary}`);
      } finally {
        await server.stop();
      }
    },
  };
}
