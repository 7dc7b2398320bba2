/**
 * Where the built worker entry is. The engine's code runs from bundles in out/main/ (entries) and
 * out/main/chunks/ (shared code), so the script is next to us or one level up; from sources (vitest) it is the
 * checkout's out/main/; an environment variable can point elsewhere (packaged apps, tests of a specific build).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors';

export const engineWorkerEnvVariable = 'BACKUP_MANAGER_ENGINE_WORKER';
const scriptName = 'engine-worker.js';

export function engineWorkerCandidates(env: NodeJS.ProcessEnv = process.env, here = __dirname): string[] {
  const fromEnv = env[engineWorkerEnvVariable];
  if (fromEnv) return [fromEnv];
  return [
    path.join(here, scriptName),
    path.join(here, '..', scriptName),
    // Running from sources (vitest): the build of this checkout, kept current by vitest's global setup.
    path.join(here, '..', '..', '..', 'out', 'main', scriptName),
  ];
}

/** The worker script, or null when this code is not running from a build (e.g. from sources under vitest). */
export function findEngineWorkerScript(
  env: NodeJS.ProcessEnv = process.env,
  here = __dirname,
): string | null {
  const candidates = engineWorkerCandidates(env, here);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  if (env[engineWorkerEnvVariable]) {
    throw new EngineError(
      'IO_ERROR',
      `${engineWorkerEnvVariable} names ${candidates[0]}, which does not exist`,
    );
  }
  return null;
}
