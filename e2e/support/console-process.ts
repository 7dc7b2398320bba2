/**
 * Starts the real console server (the built out/main/console.js, exactly what `npm run console` runs) and reads
 * the URL it prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface RunningConsole {
  url: string;
  origin: string;
  token: string;
  output: () => string;
  stop(): Promise<void>;
}

const projectRoot = path.resolve(__dirname, '..', '..');

export async function startConsole(env: NodeJS.ProcessEnv = {}): Promise<RunningConsole> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(projectRoot, 'out', 'main', 'console.js'), '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The console printed no URL within 15 s:\n${output}`)),
      15_000,
    );
    const onData = () => {
      const match = output.match(/Backup Manager console: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The console exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
