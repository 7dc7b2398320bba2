/**
 * A real S3 server for the S3 backend's tests: a throwaway single-node Ceph 16 (one monitor, one memstore OSD, no
 * manager, authentication off) and its RADOS Gateway, on 127.0.0.1 at free ports, in a temporary directory of its
 * own (test files run in parallel, each may start one). Debian's packages radosgw, ceph-mon and ceph-osd
 * (installed by .ci/run). About 3 s to start, half a second to stop.
 *
 * Adapted from the shared recipe (recipes/ceph-s3-and-sftp.sh, `up`/`down`), with what it taught:
 * - radosgw insists on `ms_mon_client_mode = secure`, which a cluster without cephx cannot do: `crc secure`.
 * - Paxos batches proposals for 1 s by default, and radosgw's first start creates ~8 pools one by one: 0.05 s
 *   brings its start from ~14 s to under 1 s.
 * - Stop radosgw first, then the OSD, then the monitor: radosgw without its OSD hangs ~2 minutes on shutdown, an
 *   OSD without its monitor waits 5 s.
 * - The monitor binds the port named in its own `public addr`; `mon host` alone leaves it on 3300.
 * memstore keeps objects in RAM: tests keep their data small (tens of MB); the remote benchmark stores GBs and
 * asks for a larger store (CephRgwOptions.memstoreBytes).
 */
import { type ChildProcess, execFile as execFileCallback, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { makeTempDir, removeTempDir } from './restic-cli';

const execFile = promisify(execFileCallback);

export const cephBinaries = ['ceph-mon', 'ceph-osd', 'radosgw', 'ceph', 'radosgw-admin'].map(
  (name) => `/usr/bin/${name}`,
);
export const haveCeph = cephBinaries.every((binary) => existsSync(binary));

export interface CephRgwServer {
  /** `http://127.0.0.1:port` */
  endpoint: string;
  port: number;
  region: 'us-east-1';
  /** The S3 user's keys (a fixed test user, made at start). */
  accessKeyId: string;
  secretAccessKey: string;
  /** Milliseconds the cluster and gateway took to start. */
  startupMs: number;
  /** Runs radosgw-admin against this cluster (quotas, bucket listings); its stdout. */
  admin(args: readonly string[]): Promise<string>;
  /**
   * Stops the gateway (TERM: it closes its connections and its watches on the cluster; a KILLed one leaves watches
   * that hold up the next gateway's metadata changes, bucket creation, for 30 s). The cluster keeps the data.
   */
  stopGateway(): Promise<void>;
  /** Starts the gateway again on the same port. */
  startGateway(): Promise<void>;
  /** Stops gateway, OSD and monitor, in that order, and removes the directory. */
  stop(): Promise<void>;
  /** The cluster's ceph.conf (for radosgw-admin or ceph run outside this process, e.g. synchronously). */
  configPath: string;
  /** PIDs of the running daemons (gateway, OSD, monitor): the benchmark reads their CPU and memory in /proc. */
  daemonPids(): number[];
}

export interface CephRgwOptions {
  /**
   * Capacity of the memstore OSD (default 1 GiB). memstore holds every object in RAM, so this is also about how
   * much memory the OSD may take; writes fail once it is nearly full (the OSD's full ratio).
   */
  memstoreBytes?: number;
  /**
   * Beast's `tcp_nodelay=1` (off by default, as in Ceph's own default). Without it, a small answer whose body
   * leaves in a second segment waits for the client's delayed ACK of the headers: ~40 ms per small GET on Linux,
   * which makes reads of many small objects or ranges (a restore's tree blobs) latency-bound for any client.
   */
  tcpNoDelay?: boolean;
}

const accessKeyId = 'BACKUPMANAGERTEST01';
const secretAccessKey = 'backup-manager-test-secret-0123456789';

function cephConfig(dir: string, monPort: number, rgwPort: number, options: CephRgwOptions): string {
  return `[global]
fsid = ${randomUUID()}
mon host = v2:127.0.0.1:${monPort}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
run dir = ${dir}/run
log file = ${dir}/log/$name.log
admin socket = ${dir}/run/$name.asok
mon cluster log file = ${dir}/log/cluster.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon data avail crit = 1
mon data avail warn = 2
mon warn on pool no redundancy = false
paxos propose interval = 0.05
paxos min wait = 0.01
# a gateway that died without closing its watches holds up notifications this long (default 30 s)
osd client watch timeout = 5
[mon.a]
public addr = v2:127.0.0.1:${monPort}
mon data = ${dir}/mon
[osd.0]
osd data = ${dir}/osd
osd objectstore = memstore
memstore device bytes = ${options.memstoreBytes ?? 1024 * 1024 * 1024}
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}${options.tcpNoDelay ? ' tcp_nodelay=1' : ''}
rgw data = ${dir}/rgw
rgw dns name = localhost
# quota tests: a bucket's usage is read fresh, not from a 10-minute cache
rgw bucket quota ttl = 0
`;
}

/** A daemon in the foreground (-f), its output appended to a log file of the directory. */
function launch(binary: string, args: readonly string[], log: string): ChildProcess {
  const out = openSync(log, 'a');
  try {
    return spawn(binary, [...args, '-f'], { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out); // the daemon has its own copy
  }
}

/** TERM, up to 5 s to exit, then KILL (or KILL at once). */
async function halt(daemon: ChildProcess | null, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (daemon === null || daemon.exitCode !== null || daemon.signalCode !== null) return;
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  daemon.kill(signal);
  const timer = setTimeout(() => daemon.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function poll(what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

export async function startCephRgw(options: CephRgwOptions = {}): Promise<CephRgwServer> {
  const started = Date.now();
  const dir = await makeTempDir('ceph');
  for (const sub of ['log', 'mon', 'osd', 'run', 'rgw']) await mkdir(path.join(dir, sub));
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, 'ceph.conf');
  await writeFile(conf, cephConfig(dir, monPort, rgwPort, options));
  const log = (name: string) => path.join(dir, 'log', `${name}.out`);
  const cli = async (binary: string, args: readonly string[]) =>
    (await execFile(binary, ['-c', conf, ...args], { timeout: 60_000 })).stdout;

  const daemons: { mon: ChildProcess | null; osd: ChildProcess | null; rgw: ChildProcess | null } = {
    mon: null,
    osd: null,
    rgw: null,
  };
  // A test process that dies leaves no daemons behind.
  const killAll = () => {
    for (const daemon of [daemons.rgw, daemons.osd, daemons.mon]) daemon?.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stopAll = async () => {
    await halt(daemons.rgw, 'SIGTERM');
    await halt(daemons.osd, 'SIGTERM');
    await halt(daemons.mon, 'SIGTERM');
    process.off('exit', killAll);
  };
  const startGateway = async () => {
    daemons.rgw = launch('/usr/bin/radosgw', ['-c', conf, '-n', 'client.rgw'], log('rgw'));
    await poll(
      `radosgw on 127.0.0.1:${rgwPort}`,
      () =>
        fetch(`http://127.0.0.1:${rgwPort}/`).then(
          () => true,
          () => false,
        ),
      60_000,
    );
  };

  try {
    await cli('/usr/bin/ceph-mon', ['--id', 'a', '--mkfs', '--keyring', '/dev/null']);
    await writeFile(path.join(dir, 'mon', 'keyring'), '');
    daemons.mon = launch('/usr/bin/ceph-mon', ['-c', conf, '--id', 'a'], log('mon'));
    const osdId = (await cli('/usr/bin/ceph', ['--connect-timeout', '30', 'osd', 'create'])).trim();
    await cli('/usr/bin/ceph', [
      'osd',
      'crush',
      'add',
      `osd.${osdId}`,
      '1',
      'root=default',
      'host=localhost',
    ]);
    await cli('/usr/bin/ceph-osd', ['--id', osdId, '--mkfs']);
    daemons.osd = launch('/usr/bin/ceph-osd', ['-c', conf, '--id', osdId], log('osd'));
    await poll(
      'the OSD',
      async () => (await cli('/usr/bin/ceph', ['osd', 'stat', '-f', 'json'])).includes('"num_up_osds":1'),
      30_000,
    );
    await startGateway();
    await cli('/usr/bin/radosgw-admin', [
      'user',
      'create',
      '--uid=backup-manager-test',
      '--display-name=backup-manager-test',
      `--access-key=${accessKeyId}`,
      `--secret-key=${secretAccessKey}`,
    ]);
  } catch (error) {
    await stopAll();
    const logs = await execFile('sh', ['-c', `tail -n 15 ${dir}/log/*`]).catch(() => ({ stdout: '' }));
    await removeTempDir(dir);
    throw new Error(`Ceph did not start: ${(error as Error).message}\n${logs.stdout}`);
  }

  return {
    endpoint: `http://127.0.0.1:${rgwPort}`,
    port: rgwPort,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
    startupMs: Date.now() - started,
    admin: (args) => cli('/usr/bin/radosgw-admin', args),
    stopGateway: () => halt(daemons.rgw, 'SIGTERM'),
    startGateway,
    configPath: conf,
    daemonPids: () =>
      [daemons.rgw, daemons.osd, daemons.mon].flatMap((daemon) =>
        daemon?.pid !== undefined && daemon.exitCode === null && daemon.signalCode === null
          ? [daemon.pid]
          : [],
      ),
    async stop() {
      await stopAll();
      await removeTempDir(dir);
    },
  };
}
