/**
 * A real helper for the e2e suites: the built out/main/helper.js in test mode on temporary directories, with a
 * fresh repository (made by the built CLI) and a password file, and the console started against it. What the UI
 * shows is then what the real helper does on this machine (temporary-copy snapshots, real exports).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningConsole, startConsole } from './console-process';

const projectRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(projectRoot, 'out', 'main', 'cli.js');
const helperScript = path.join(projectRoot, 'out', 'main', 'helper.js');
export const e2eRepositoryPassword = 'e2e-repository-password';

export interface HelperEnvironment {
  dir: string;
  socketPath: string;
  repository: string;
  /** A folder the tests may choose as the snapshot location. */
  location: string;
  console: RunningConsole;
  /** Runs the built CLI against this helper; throws with its output unless it exits 0. */
  cli(args: string[]): string;
  stopHelper(): Promise<void>;
  startHelper(): Promise<void>;
  /** The running helper's process id (to pause it with SIGSTOP while a passing state is photographed). */
  helperPid(): number;
  dispose(): Promise<void>;
}

export interface HelperEnvironmentOptions {
  /**
   * More arguments for the helper, after the ones every suite needs (socket, state dir, test mode): a list, or a
   * function of the environment's temporary directory (so that what they name, such as a `--system-root` sandbox,
   * is removed with it). Used at every (re)start.
   */
  helperArgs?: readonly string[] | ((dir: string) => readonly string[]);
}

export async function startHelperEnvironment(
  options: HelperEnvironmentOptions = {},
): Promise<HelperEnvironment> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bm-e2e-helper-'));
  const extraArgs =
    typeof options.helperArgs === 'function' ? options.helperArgs(dir) : (options.helperArgs ?? []);
  const socketPath = path.join(dir, 'run', 'helper.sock');
  const repository = path.join(dir, 'repo');
  const location = path.join(dir, 'location');
  mkdirSync(location);
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, e2eRepositoryPassword, { mode: 0o600 });
  const env = { ...process.env, BACKUP_MANAGER_PASSWORD: e2eRepositoryPassword, TZ: 'UTC' };
  const run = (args: string[]) => {
    const result = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`backup-manager ${args.join(' ')}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  run(['init', '--repo', repository]);

  let helper: ChildProcess | null = null;
  let output = '';
  const startHelper = async () => {
    helper = spawn(
      process.execPath,
      [
        helperScript,
        '--socket',
        socketPath,
        '--state-dir',
        path.join(dir, 'state'),
        '--test-mode',
        '--restart-delay-scale',
        '0.001',
        ...extraArgs,
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC' },
      },
    );
    helper.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 20_000;
    while (!/listening on /.test(output.split('\n').slice(-5).join('\n'))) {
      if (Date.now() > deadline || helper.exitCode !== null)
        throw new Error(`the helper did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stopHelper = async () => {
    const running = helper;
    helper = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await startHelper();
  const helperCli = (args: string[]) => run([...args, '--helper-socket', socketPath, '--helper-test-mode']);
  helperCli(['helper-settings', 'set', '--repo', repository, '--password-file', passwordFile]);
  const console = await startConsole({
    BACKUP_MANAGER_HELPER_SOCKET: socketPath,
    BACKUP_MANAGER_HELPER_TEST_MODE: '1',
  });
  return {
    dir,
    socketPath,
    repository,
    location,
    console,
    cli: helperCli,
    stopHelper,
    startHelper,
    helperPid() {
      const running = helper as ChildProcess | null;
      if (running?.pid === undefined || running.exitCode !== null)
        throw new Error('the helper is not running');
      return running.pid;
    },
    async dispose() {
      await console.stop();
      await stopHelper();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Backs up this machine's System state through the helper and waits for the end: the session the restore journeys
 * restore. A file that changed or vanished while it was read is a warning (Completed with errors, a non-zero exit):
 * the snapshot is written all the same, and that is what they need.
 */
export function backUpSystemState(env: HelperEnvironment): void {
  try {
    env.cli(['session', 'start', '--source', 'system-state', '--wait']);
  } catch (error) {
    if (!/Completed with errors\s+snapshot [0-9a-f]{8}/.test(String(error))) throw error;
  }
}
