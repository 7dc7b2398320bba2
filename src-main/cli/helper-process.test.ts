/**
 * The real helper process (the built out/main/helper.js, in test mode) driven over its real socket by the real
 * CLI and client: a whole System state session, one session for two racing starts, a refused start as an
 * ordinary user, and bad requests that leave it serving. The crash and restart scenarios are in
 * helper-process.restart.test.ts.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../engine/backend/local-backend';
import { parseChunkerPolynomial } from '../engine/chunker/chunker-polynomial';
import { Repository } from '../engine/repository/repository';
import { makeTempDir, removeTempDir, resticOk } from '../engine/testing/restic-cli';
import type { HelperClient } from '../helper-client/helper-client';
import { HelperRequestError } from '../helper-client/helper-client-errors';
import {
  type HelperProcess,
  startHelperProcess,
  waitUntilListening,
} from '../helper-client/testing/helper-process';
import {
  SessionListRequest,
  SessionShowRequest,
  SessionStartRequest,
  SessionWaitRequest,
  SettingsSetRequest,
} from '../helper-protocol/protocol';
import { runCliAgainstHelper } from './commands/helper-cli-test-support';

const password = 'helper-process-test';
let dir: string;
let repository: string;
let helper: HelperProcess | null;
const clients: HelperClient[] = [];

async function connect(): Promise<HelperClient> {
  if (!helper) throw new Error('no helper');
  const client = await helper.connect();
  clients.push(client);
  return client;
}

beforeEach(async () => {
  dir = await makeTempDir('helper-process');
  repository = path.join(dir, 'repo');
  const storage = new LocalBackend(repository);
  await Repository.init(storage, password, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  await storage.close();
  const passwordFile = path.join(dir, 'password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await mkdir(path.join(dir, 'location'));
  helper = await startHelperProcess({
    socketPath: path.join(dir, 'run', 'helper.sock'),
    stateDir: path.join(dir, 'state'),
  });
  await waitUntilListening(helper);
  const client = await connect();
  await client.request(SettingsSetRequest.type, {
    repository,
    passwordFile,
    snapshotLocation: path.join(dir, 'location'),
  });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  if (helper && helper.child.exitCode === null) {
    helper.child.kill('SIGTERM');
    await helper.exited;
  }
  helper = null;
  await removeTempDir(dir);
});

describe('the helper process', () => {
  it('runs a System state session for `session start --wait`, and restic checks what it wrote', async () => {
    if (!helper) throw new Error('no helper');
    const run = await runCliAgainstHelper(helper.socketPath, [
      'session',
      'start',
      '--source',
      'system-state',
      '--wait',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; session?: { id: string; status: string } })
      .find((line) => line.type === 'summary');
    expect(summary?.session?.status).toBe('completed');
    const id = summary?.session?.id ?? '';

    const client = await connect();
    const { session } = await client.request(SessionShowRequest.type, { id });
    expect(session.transitions.map((t) => t.phase)).toEqual(
      expect.arrayContaining([
        'queued',
        'preflight',
        'snapshot',
        'collect',
        'backup',
        'verify',
        'cleanup',
        'done',
      ]),
    );
    expect(session.attempts).toHaveLength(1);
    expect(session.attempts[0]?.snapshotRef).toBeNull(); // deleted in cleanup
    await resticOk(['check', '--read-data'], { repo: repository, password });
    const ls = await resticOk(['ls', session.snapshotId ?? 'latest'], { repo: repository, password });
    expect(ls.stdout).toContain('/etc/hostname');
    expect(ls.stdout).toContain('/.backup-manager/system-state/machine-manifest.json');
    // Nothing left at the snapshot location: no snapshot copy, no staging folder.
    const { readdir } = await import('node:fs/promises');
    const leftovers = await readdir(path.join(dir, 'location', 'backup-manager', 'snapshots')).catch(
      () => [],
    );
    expect(leftovers).toEqual([]);
    expect(await readdir(path.join(dir, 'location', 'backup-manager', 'staging')).catch(() => [])).toEqual(
      [],
    );
  });

  it('makes one session of two racing starts of the same data source, from two clients', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const [first, second] = await Promise.all([
      a.request(SessionStartRequest.type, { source: 'system-state' }),
      b.request(SessionStartRequest.type, { source: 'system-state' }),
    ]);
    expect(first.session.id).toBe(second.session.id);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const done = await a.request(SessionWaitRequest.type, { id: first.session.id });
    expect(done.session.status).toBe('completed');
    const { sessions } = await a.request(SessionListRequest.type, { source: 'system-state' });
    expect(sessions).toHaveLength(1);
  });

  it('refuses malformed params and unknown methods and keeps serving', async () => {
    const client = await connect();
    const invalid = await client
      .request(SessionStartRequest.type, { source: 'everything' } as unknown as { source: 'files' })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(HelperRequestError);
    expect((invalid as HelperRequestError).code).toBe('INVALID_PARAMS');
    const unknownId = await client
      .request(SessionShowRequest.type, { id: '20990101-000000-abcdef' })
      .catch((error: unknown) => error);
    expect((unknownId as HelperRequestError).code).toBe('SESSION_NOT_FOUND');
    const { sessions } = await client.request(SessionListRequest.type, {});
    expect(sessions).toEqual([]);
  });
});

describe('helper-settings', () => {
  it("shows and changes the helper's settings; the helper refuses an unsafe password file", async () => {
    if (!helper) throw new Error('no helper');
    const socket = helper.socketPath;
    const set = await runCliAgainstHelper(socket, [
      'helper-settings',
      'set',
      '--keep-daily',
      '7',
      '--keep-weekly',
      '4',
    ]);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    const get = await runCliAgainstHelper(socket, ['helper-settings', 'get']);
    expect(get.stdout).toContain(`repository         ${repository}`);
    expect(get.stdout).toContain('retention          --keep-daily 7 --keep-weekly 4');

    const unsafe = path.join(dir, 'readable-password');
    await writeFile(unsafe, password, { mode: 0o644 });
    const refused = await runCliAgainstHelper(socket, ['helper-settings', 'set', '--password-file', unsafe]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/SETTINGS_INVALID: .*passwordFile.*0644/);
    const usage = await runCliAgainstHelper(socket, ['helper-settings', 'set', '--keep-daily', '0']);
    expect(usage.code).toBe(2);
  });
});

describe('starting the helper', () => {
  it('refuses to run as an ordinary user unless in test mode', async () => {
    const stateDir = path.join(dir, 'nobody-state');
    await chmod(dir, 0o755);
    const nobody = await startHelperProcess({
      socketPath: path.join(dir, 'nobody.sock'),
      stateDir,
      extraArgs: [],
      uid: 65534,
      gid: 65534,
    });
    expect(await nobody.exited).toBe(1);
    expect(nobody.output()).toMatch(/NOT_ROOT: the helper runs as root .* --test-mode/);
  });
});
