// @ts-check
/**
 * The SFTP target: a real OpenSSH server on 127.0.0.1 (the tests' harness, testing/sshd-server.ts), reached by our
 * CLI with ssh2 (--ssh-key / known_hosts through the environment) and by restic through OpenSSH's `ssh -s sftp`,
 * with the same key and known_hosts and nothing from ~/.ssh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTestingHarness } from './testing-harness.mjs';

/** @typedef {import('./targets.mjs').RemoteTarget} RemoteTarget */
/** @typedef {import('../../src-main/engine/testing/sshd-server').SshdServer} SshdServer */

/** CPU seconds (user + system) a process and the children it reaped have used, from /proc. @param {number} pid */
function processTreeCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime stime cutime cstime are 14–17 (1-based).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
}

/** Waits until the daemon has reaped its session processes, so their CPU is counted in its children's time. */
function waitForSessionsToEnd(/** @type {number} */ pid) {
  for (let attempt = 0; attempt < 100; attempt++) {
    // ps exits with 1 when it lists nothing.
    const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], {
      encoding: 'utf8',
    }).stdout.trim();
    if (children === '') return;
    execFileSync('sleep', ['0.05']);
  }
}

/** @param {string} work the benchmark's work directory (repositories go below it) @returns {Promise<RemoteTarget>} */
export async function startSftpTarget(work) {
  const harness = await loadTestingHarness('sshd-server', work);
  const startSshd = /** @type {() => Promise<SshdServer>} */ (harness.startSshd);
  const server = await startSshd();
  // The harness's sshd writes its PID file next to its keys: the daemon whose children serve each connection.
  const daemonPid = Number(
    readFileSync(path.join(path.dirname(server.clientKeyPath), 'sshd.pid'), 'utf8').trim(),
  );
  // restic's ssh runs under GNU time, which appends its CPU use here when it exits ("0.01user 0.02system …", the
  // default format: restic mangles a -f argument): restic's own measurement includes it (restic waits for its ssh),
  // this splits it out.
  const sshCpuFile = path.join(work, 'restic-ssh-cpu.out');
  writeFileSync(sshCpuFile, '');
  const resticSsh = [
    `/usr/bin/time -a -o ${sshCpuFile}`,
    'ssh',
    `-p ${server.port}`,
    `-i ${server.clientKeyPath}`,
    `-o UserKnownHostsFile=${server.knownHostsPath}`,
    '-o StrictHostKeyChecking=yes',
    '-o BatchMode=yes',
    `${server.user}@${server.host}`,
    '-s sftp',
  ].join(' ');
  return {
    name: 'sftp',
    description: `OpenSSH sshd (internal-sftp) on ${server.host}:${server.port}`,
    repository(name) {
      // The server is not chrooted: repositories are absolute paths on this machine, below the work directory.
      const dir = path.join(work, 'repos', name);
      rmSync(dir, { recursive: true, force: true });
      return {
        ours: {
          BACKUP_MANAGER_REPOSITORY: `sftp://${server.user}@${server.host}:${server.port}/${dir}`,
          BACKUP_MANAGER_SSH_KEY: server.clientKeyPath,
          BACKUP_MANAGER_KNOWN_HOSTS: server.knownHostsPath,
        },
        restic: {
          env: { RESTIC_REPOSITORY: `sftp:${server.user}@${server.host}:${dir}` },
          options: ['-o', `sftp.command=${resticSsh}`],
        },
        remove: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    resticHelperCpuSeconds() {
      let seconds = 0;
      for (const [, user, system] of readFileSync(sshCpuFile, 'utf8').matchAll(
        /([\d.]+)user ([\d.]+)system/g,
      )) {
        seconds += Number(user) + Number(system);
      }
      return seconds;
    },
    serverCpuSeconds() {
      waitForSessionsToEnd(daemonPid);
      return processTreeCpuSeconds(daemonPid);
    },
    stop: () => server.stop(),
  };
}
