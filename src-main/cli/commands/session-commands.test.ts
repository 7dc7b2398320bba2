/**
 * The session commands run in-process (runCli with the real command list) against a fake helper on a real Unix
 * socket: what they send, what they print, and their exit codes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helperLooksInstalled } from '../../helper-client/helper-installation';
import { runCli } from '../cli-runner';
import { type FakeSessionHelper, fakeSession, startFakeSessionHelper } from './fake-session-helper';
import { type HelperCliRunOptions, runCliAgainstHelper } from './helper-cli-test-support';
import { commands } from './index';

let dir: string;
let socketPath: string;
let helper: FakeSessionHelper;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-cli-session-'));
  socketPath = path.join(dir, 'helper.sock');
  helper = await startFakeSessionHelper(socketPath);
});
afterEach(async () => {
  await helper.stop();
  await rm(dir, { recursive: true, force: true });
});

function run(argv: string[], options: HelperCliRunOptions = {}) {
  return runCliAgainstHelper(socketPath, argv, options);
}

/** After a start: preflight, two progress updates, backup, then the given end. */
function scriptRun(end: Parameters<FakeSessionHelper['update']>[1]) {
  helper.onStart = (session) => {
    helper.update(session.id, { phase: 'preflight' });
    for (const filesDone of [10, 20]) {
      helper.progress({
        sessionId: session.id,
        attempt: 1,
        phase: 'backup',
        filesDone,
        filesTotal: 40,
        bytesDone: filesDone * 1024,
        bytesTotal: 40 * 1024,
        bytesPerSecond: 2048,
        etaSeconds: 10,
        currentItem: '/etc/passwd',
      });
    }
    helper.update(session.id, { phase: 'backup' });
    setTimeout(
      () => helper.update(session.id, { phase: 'done', endedAt: '2026-11-25T02:31:00.000Z', ...end }),
      20,
    );
  };
}

describe('session start', () => {
  it('--wait shows the phases and progress and exits 0 for Completed', async () => {
    scriptRun({ status: 'completed', snapshotId: 'abcdef0123456789' });
    const result = await run(['session', 'start', '--source', 'system-state', '--wait'], { tty: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^started System state session \d{8}-\d{6}-[0-9a-f]{6}\n/);
    expect(result.stdout).toContain('preflight');
    expect(result.stdout).toContain('[backup]  50.0%  20/40 files');
    expect(result.stdout).toMatch(/session \S+: Completed\n {2}snapshot abcdef01\n$/);
    // Nothing was passed that the user did not give: the helper's settings and password file apply.
    expect(helper.requests[0]).toEqual({ method: 'session/start', params: { source: 'system-state' } });
  });

  it('exits 3 for Completed with errors and 1 for Failed, with the code, message and troubleshooting check', async () => {
    scriptRun({ status: 'completed-with-errors' });
    expect((await run(['session', 'start', '--source', 'system-state', '--wait'])).code).toBe(3);

    scriptRun({
      status: 'failed',
      failure: { code: 'INSUFFICIENT_SPACE', message: 'only 1 GiB free on /', check: 'free-space' },
    });
    const failed = await run(['session', 'start', '--source', 'system-state', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(': Failed\n  INSUFFICIENT_SPACE: only 1 GiB free on /\n');
    expect(failed.stdout).toContain(
      'troubleshooting check: free-space (run: backup-manager system-state diagnose)',
    );
  });

  it('--json prints JSON lines: started, changed, progress and a summary with the failure code', async () => {
    scriptRun({
      status: 'aborted',
      failure: { code: 'CANCELLED', message: 'cancelled by the user', check: null },
    });
    const result = await run(['session', 'start', '--source', 'system-state', '--wait', '--json']);
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    expect(lines[0]?.type).toBe('started');
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.filesDone)).toEqual([10, 20]);
    expect(lines.filter((l) => l.type === 'changed').length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatchObject({
      type: 'summary',
      code: 'CANCELLED',
      session: { status: 'aborted' },
    });
  });

  it('passes paths, the repository and the password only when given', async () => {
    const passwordFile = path.join(dir, 'password');
    await writeFile(passwordFile, 'secret\n');
    const result = await run([
      'session',
      'start',
      '--source',
      'files',
      '--path',
      '/home/a',
      '--path',
      'relative',
      '--repo',
      '/mnt/repo',
      '--password-file',
      passwordFile,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('follow it: backup-manager session log');
    expect(helper.requests[0]?.params).toEqual({
      source: 'files',
      paths: ['/home/a', path.resolve('relative')],
      repository: '/mnt/repo',
      password: 'secret',
    });
    const fromEnv = await run(['session', 'start', '--source', 'system-state'], {
      env: { BACKUP_MANAGER_PASSWORD: 'from-env' },
    });
    expect(fromEnv.code).toBe(0);
    expect(helper.requests[1]?.params).toEqual({ source: 'system-state', password: 'from-env' });
  });

  it('Ctrl-C stops waiting, not the session: the wait is cancelled, no cancel request, exit 130', async () => {
    helper.onStart = (session) => helper.update(session.id, { phase: 'backup' });
    const controller = new AbortController();
    const result = await run(['session', 'start', '--source', 'system-state', '--wait'], {
      signal: controller.signal,
      onStdout: (text) => {
        if (text.includes('backup ')) controller.abort();
      },
    });
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('keeps running in the helper');
    expect(result.stdout).toMatch(/backup-manager session cancel \S+/);
    await expect.poll(() => helper.waitsCancelled).toBe(1);
    expect(helper.requests.map((r) => r.method)).not.toContain('session/cancel');
  });

  it('refuses wrong arguments as USAGE before connecting', async () => {
    for (const argv of [
      ['session', 'start'],
      ['session', 'start', '--source', 'disks'],
      ['session', 'start', '--source', 'files'],
      ['session', 'start', '--source', 'system-state', '--path', '/etc'],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('USAGE');
    }
    expect(helper.requests).toEqual([]);
  });
});

describe('helper access', () => {
  it('no socket in test mode: nothing is installed there, so it says how to start a helper by hand', async () => {
    const missing = path.join(dir, 'nowhere', 'helper.sock');
    const result = await run(['session', 'list', '--helper-socket', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `backup-manager: HELPER_UNREACHABLE: no helper is listening at ${missing}`,
    );
    expect(result.stderr).toContain('npm run helper -- --socket');
  });

  it('no socket outside test mode (and no helper installed here): HELPER_NOT_INSTALLED with what to do', async () => {
    const missing = path.join(dir, 'nowhere', 'helper.sock');
    let stderr = '';
    const result = await runCli(commands, {
      argv: ['session', 'list', '--helper-socket', missing],
      env: {},
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({
        write: (chunk, _e, done) => {
          stderr += String(chunk);
          done();
        },
      }),
      signal: new AbortController().signal,
    });
    expect(result).toBe(1);
    if (helperLooksInstalled()) {
      // A developer machine with the package installed: the service exists but does not listen there.
      expect(stderr).toContain('HELPER_UNREACHABLE: the helper service is installed but not running');
      return;
    }
    expect(stderr).toContain(`backup-manager: HELPER_NOT_INSTALLED: no helper socket at ${missing}.`);
    expect(stderr).toContain('Install the Backup Manager helper service');
    expect(stderr).toContain('--helper-socket PATH');
  });

  it('takes the socket from BACKUP_MANAGER_HELPER_SOCKET and answers an unknown session with its code and a hint', async () => {
    const result = await runCli(commands, {
      argv: ['session', 'show', '20261125-023000-ffffff', '--json'],
      env: { BACKUP_MANAGER_HELPER_SOCKET: socketPath, BACKUP_MANAGER_HELPER_TEST_MODE: '1' },
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({
        write: (chunk, _e, done) => {
          const error = JSON.parse(String(chunk)) as { code: string; message: string };
          expect(error.code).toBe('SESSION_NOT_FOUND');
          expect(error.message).toContain('backup-manager session list');
          done();
        },
      }),
      signal: new AbortController().signal,
    });
    expect(result).toBe(1);
    expect(helper.requests).toEqual([{ method: 'session/show', params: { id: '20261125-023000-ffffff' } }]);
  });
});

describe('session list, show, log, cancel', () => {
  it('list: a table with status, duration, size added, new/changed files, errors and warnings', async () => {
    helper.add(
      fakeSession({
        id: '20261125-023000-aaaaaa',
        status: 'interrupted',
        phase: 'backup',
        attempt: 2,
        interruptions: 2,
        errors: 2,
        failure: { code: 'MACHINE_RESTARTED', message: 'the machine restarted', check: null },
      }),
    );
    helper.add(
      fakeSession({
        id: '20261124-023000-bbbbbb',
        source: 'files',
        status: 'completed-with-errors',
        phase: 'done',
        startedAt: '2026-11-24T02:30:00.000Z',
        endedAt: '2026-11-24T03:35:09.000Z',
        stats: {
          filesNew: 120,
          filesChanged: 7,
          filesUnmodified: 5000,
          bytesProcessed: 10 * 1024 ** 3,
          bytesAdded: 1536 * 1024,
          warnings: 3,
        },
      }),
    );
    const result = await run(['session', 'list']);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trim().split('\n');
    expect(header).toMatch(
      /^ID\s+SOURCE\s+STATUS\s+PHASE\s+STARTED\s+DURATION\s+ADDED\s+NEW\s+CHANGED\s+ERRORS\s+WARNINGS\s+ATTEMPT\s+CODE$/,
    );
    const running = rows.find((r) => r.startsWith('20261125-023000-aaaaaa'));
    const done = rows.find((r) => r.startsWith('20261124-023000-bbbbbb'));
    // Not ended, no backup phase yet: dashes, but its two interruptions are errors already.
    expect(running).toMatch(
      /^20261125-023000-aaaaaa\s+system-state\s+Interrupted\s+backup\s+\S+ \S+\s+-\s+-\s+-\s+-\s+2\s+-\s+2\/3\s+MACHINE_RESTARTED$/,
    );
    expect(done).toMatch(
      /^20261124-023000-bbbbbb\s+files\s+Completed with errors\s+done\s+\S+ \S+\s+1:05:09\s+1\.5 MiB\s+120\s+7\s+0\s+3\s+1\/3$/,
    );
    const json = JSON.parse((await run(['session', 'list', '--json'])).stdout) as {
      sessions: { id: string; errors: number; stats: unknown }[];
    };
    expect(json.sessions).toHaveLength(2);
    expect(json.sessions.find((s) => s.id === '20261124-023000-bbbbbb')).toMatchObject({
      errors: 0,
      stats: { bytesAdded: 1536 * 1024, filesNew: 120, filesChanged: 7, warnings: 3 },
    });
    expect((await run(['session', 'list', '--status', 'done'])).code).toBe(2);
  });

  it('show: details, the failure with its check, attempts and transitions', async () => {
    helper.add(
      fakeSession({
        id: '20261125-023000-bbbbbb',
        status: 'failed',
        phase: 'done',
        interruptions: 1,
        errors: 2,
        failure: { code: 'REPO_UNREACHABLE', message: 'the repository drive is gone', check: 'repository' },
        attempts: [
          {
            attempt: 1,
            startedAt: '2026-11-25T02:30:01.000Z',
            endedAt: '2026-11-25T02:31:00.000Z',
            outcome: 'failed',
            failure: null,
            snapshotRef: null,
          },
        ],
        transitions: [
          {
            seq: 1,
            at: '2026-11-25T02:30:01.000Z',
            attempt: 1,
            phase: 'preflight',
            status: 'in-process',
            detail: null,
          },
          {
            seq: 2,
            at: '2026-11-25T02:31:00.000Z',
            attempt: 1,
            phase: 'done',
            status: 'failed',
            detail: 'gone',
          },
        ],
      }),
    );
    const result = await run(['session', 'show', '20261125-023000-bbbbbb']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Status:       Failed (phase done)');
    expect(result.stdout).toContain('Errors:       2 (1 interruption, then the failure it ended with)');
    expect(result.stdout).toContain('REPO_UNREACHABLE: the repository drive is gone');
    expect(result.stdout).toContain(
      'troubleshooting check: repository (run: backup-manager check --repo /srv/repo)',
    );
    expect(result.stdout).toMatch(/Attempts:\n {2}#\s+STARTED\s+ENDED\s+OUTCOME\s+CODE\n {2}1\s+.*Failed/);
    expect(result.stdout).toMatch(
      /Transitions:\n.*\n {2}1\s+.*preflight\s+In process\n {2}2\s+.*done\s+Failed\s+gone/,
    );
    expect((await run(['session', 'show', 'not-an-id'])).code).toBe(2);
  });

  it('log: level, time and message; --follow prints new entries until the session ends', async () => {
    const session = fakeSession({ id: '20261125-023000-cccccc', phase: 'backup' });
    helper.add(session);
    helper.log(session.id, 'info', 'backup started');
    helper.log(session.id, 'debug', 'reading /etc');
    const once = await run(['session', 'log', session.id, '--level', 'info']);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}info {5}backup started\n$/);

    let added = false;
    const followed = await run(['session', 'log', session.id, '--follow'], {
      onStdout: (text) => {
        if (added || !text.includes('reading /etc')) return;
        added = true;
        helper.log(session.id, 'warning', 'could not read /etc/shadow-');
        helper.update(session.id, { status: 'completed-with-errors', phase: 'done' });
      },
    });
    expect(followed.code).toBe(0);
    expect(
      followed.stdout
        .trim()
        .split('\n')
        .map((line) => line.replace(/^\S+ \S+ {2}/, '')),
    ).toEqual([
      'info     backup started',
      'debug    reading /etc',
      'warning  could not read /etc/shadow-',
      `session ${session.id} ended: Completed with errors`,
    ]);
  });

  it('cancel: says the session ends Aborted after its cleanup, or that it had already ended', async () => {
    const running = fakeSession({ id: '20261125-023000-dddddd', phase: 'backup' });
    const ended = fakeSession({ id: '20261125-023000-eeeeee', status: 'completed', phase: 'done' });
    helper.add(running);
    helper.add(ended);
    expect((await run(['session', 'cancel', running.id])).stdout).toContain(
      'it ends Aborted once its cleanup ran',
    );
    expect((await run(['session', 'cancel', ended.id])).stdout).toBe(
      `session ${ended.id} had already ended: Completed\n`,
    );
  });
});
