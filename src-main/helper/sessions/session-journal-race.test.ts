/**
 * A real race: several processes open one journal file and start sessions of the same data source as fast as
 * they can. The journal's sources are TypeScript, so the test transpiles them (and what they import) to CommonJS
 * in a temporary folder that the children load with plain Node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteSessionJournal } from './session-journal';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

let dir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'session-journal-race-'));
});

afterEach(() => {
  // Only if a test failed midway: children still running hold the file open.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Transpiles `entry` and every relative import it reaches to CommonJS under `outRoot`, mirroring the tree. */
function compileForChild(entry: string, outRoot: string): void {
  const pending = [entry];
  const done = new Set<string>();
  for (let source = pending.pop(); source !== undefined; source = pending.pop()) {
    if (done.has(source)) continue;
    done.add(source);
    const text = readFileSync(source, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(source), match[1] ?? '');
      const file = [`${target}.ts`, join(target, 'index.ts')].find((candidate) => existsSync(candidate));
      if (!file) throw new Error(`${source} imports ${match[1]}, which is not a TypeScript file`);
      pending.push(file);
    }
    const output = ts.transpileModule(text, {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    const out = join(outRoot, relative(repoRoot, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, output.outputText);
  }
}

/**
 * Each child: open the journal, wait for "go", then per round start a session and, if it made one, run it with
 * short pauses between the steps — without them one process would hold the write lock for all its rounds (the
 * others sleep in SQLite's busy handler) and the processes would take turns instead of racing.
 */
const childScript = `
const { SqliteSessionJournal } = require('./src-main/helper/sessions/session-journal.js');
const [file, worker, rounds] = process.argv.slice(2);
const journal = SqliteSessionJournal.open(file);
const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
async function race() {
  const results = [];
  for (let round = 0; round < Number(rounds); round++) {
    const id = '20250301-100000-' + Number(worker).toString(16) + round.toString(16).padStart(5, '0');
    const { session, created } = journal.createSession({
      id, source: 'system-state', paths: [], repository: '/r', trigger: 'manual', maxAttempts: 3, createdAt: new Date(),
    });
    results.push({ id: session.id, created });
    await pause();
    if (!created) continue;
    journal.beginAttempt(id, 1, new Date());
    await pause();
    journal.recordTransition(id, 'backup');
    journal.appendLog(id, 'info', 'worker ' + worker + ' round ' + round);
    await pause();
    journal.finishSession(id, { status: 'completed', failure: null, snapshotId: null, stats: null, at: new Date() });
  }
  journal.close();
  process.stdout.write(JSON.stringify(results) + '\\n');
}
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  race().catch((error) => {
    process.stderr.write(String(error && error.stack) + '\\n');
    process.exit(1);
  });
});
`;

interface RoundResult {
  id: string;
  created: boolean;
}

function startChild(script: string, file: string, worker: number, rounds: number) {
  const child = spawn(process.execPath, [script, file, String(worker), String(rounds)], {
    env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const ready = new Promise<void>((resolveReady, reject) => {
    const check = () => (stdout.startsWith('ready\n') ? resolveReady() : undefined);
    child.stdout?.on('data', check);
    child.once('exit', (code) =>
      reject(new Error(`worker ${worker} exited (${code}) before ready: ${stderr}`)),
    );
  });
  const results = new Promise<RoundResult[]>((resolveResults, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker ${worker} exited with ${code}: ${stderr}`));
      resolveResults(JSON.parse(stdout.slice('ready\n'.length)) as RoundResult[]);
    });
  });
  // The ready promise rejects on every exit; only its rejection before "ready" matters.
  ready.catch(() => undefined);
  return { child, ready, results };
}

describe('SqliteSessionJournal across processes', () => {
  it('never has two sessions of one source running, however the processes interleave', async () => {
    const outRoot = join(dir, 'build');
    compileForChild(join(repoRoot, 'src-main/helper/sessions/session-journal.ts'), outRoot);
    const script = join(outRoot, 'race-child.js');
    writeFileSync(script, childScript);
    const file = join(dir, 'sessions.db');
    // Create the schema first, so the race is about sessions, not about migrating a new file.
    SqliteSessionJournal.open(file).close();

    const workers = 6;
    const rounds = 40;
    const started = Array.from({ length: workers }, (_, worker) =>
      startChild(script, file, worker + 1, rounds),
    );
    await Promise.all(started.map((s) => s.ready));
    for (const { child } of started) child.stdin?.end('go\n');
    const results = (await Promise.all(started.map((s) => s.results))).flat();

    const journal = SqliteSessionJournal.open(file);
    try {
      const sessions = journal.listSessions();
      expect(results).toHaveLength(workers * rounds);
      expect(results.filter((r) => r.created).length).toBe(sessions.length);
      // Evidence that the processes really raced: some starts found another process's session running.
      expect(results.filter((r) => !r.created).length).toBeGreaterThan(0);
      const ids = new Set(sessions.map((s) => s.id));
      for (const result of results) expect(ids.has(result.id), result.id).toBe(true);
      expect(sessions.every((s) => s.status === 'completed')).toBe(true);
      // The journal's own order (transition seq) must show each session done before the next one was created.
      const spans = sessions
        .map((s) => {
          const seqs = journal.getSession(s.id)?.transitions.map((t) => t.seq) ?? [];
          return { id: s.id, created: Math.min(...seqs), done: Math.max(...seqs) };
        })
        .sort((a, b) => a.created - b.created);
      for (let i = 1; i < spans.length; i++) {
        const previous = spans[i - 1];
        const current = spans[i];
        expect(
          previous && current && previous.done < current.created,
          `${previous?.id} overlaps ${current?.id}`,
        ).toBe(true);
      }
    } finally {
      journal.close();
    }
  }, 60_000);
});
