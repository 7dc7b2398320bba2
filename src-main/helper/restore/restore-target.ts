/**
 * Where a restore may write. A folder target is any absolute folder (created when missing, mode 0700: it receives
 * /etc/shadow and friends) except the system itself, the helper's state directory and the repository — neither as
 * the folder nor as a place the restored paths would land on (restoring /etc into /srv would not harm a repository
 * in /srv/backups, restoring / of a session would). Applying to this system needs the machine's own hostname typed
 * back (so a help-desk person connected to the wrong machine cannot overwrite it) and a session of the same OS
 * family; it writes into the helper's system root (`/`, or a sandbox folder of a test-mode helper).
 */
import { mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RestoreTarget } from '../../helper-protocol/restore-model';
import { RestoreError } from './restore-error';

export type OsFamily = 'linux' | 'windows';

export interface TargetRules {
  /** Where "this system" is (`/` unless a test-mode helper was given --system-root). */
  systemRoot: string;
  stateDir: string;
  /** The repository being restored from, when it is a local path (null: remote, nothing local to guard). */
  repositoryPath: string | null;
  /** This machine's hostname (os.hostname()). */
  hostname: string;
  /** The OS family of this machine. */
  hereOs: OsFamily;
}

export interface ResolvedTarget {
  targetRoot: string;
  /** Jobs with the same key never run at the same time (restore-jobs.ts). */
  exclusiveKey: string;
}

export function hostOsFamily(platform: NodeJS.Platform): OsFamily {
  return platform === 'win32' ? 'windows' : 'linux';
}

/**
 * Checks `target` for a restore of `includePaths` from a session of `sessionOs`; with `create`, creates a missing
 * folder target. Refusals: INVALID_TARGET, CONFIRMATION_MISMATCH, INCOMPATIBLE_SYSTEM.
 */
export async function resolveTarget(
  target: RestoreTarget,
  rules: TargetRules,
  request: { includePaths: readonly string[]; sessionOs: OsFamily; create: boolean },
): Promise<ResolvedTarget> {
  if (target.kind === 'system') {
    if (target.confirmHostname !== rules.hostname)
      throw new RestoreError(
        'CONFIRMATION_MISMATCH',
        `applying to this system needs this machine's hostname typed back: this machine is ${JSON.stringify(rules.hostname)}, ` +
          `not ${JSON.stringify(target.confirmHostname)}`,
      );
    if (request.sessionOs !== rules.hereOs)
      throw new RestoreError(
        'INCOMPATIBLE_SYSTEM',
        `a ${label(request.sessionOs)} System state cannot be applied to this ${label(rules.hereOs)} machine; ` +
          'restore it into a folder to read its files instead',
      );
    const root = await realpathOfPath(rules.systemRoot);
    await refuseOverlaps(root, rules, request.includePaths);
    return { targetRoot: root, exclusiveKey: 'system' };
  }
  if (!path.isAbsolute(target.path) || (rules.hereOs === 'linux' && !target.path.startsWith('/')))
    throw new RestoreError('INVALID_TARGET', `the target folder must be an absolute path: ${target.path}`);
  const folder = await realpathOfPath(path.resolve(target.path));
  const systemRoot = await realpathOfPath(rules.systemRoot);
  if (folder === systemRoot || folder === '/')
    throw new RestoreError(
      'INVALID_TARGET',
      `${target.path} is this system's root: to restore onto this system, apply to the system (the hostname is ` +
        'confirmed and a rollback backup is taken first)',
    );
  const stateDir = await realpathOfPath(rules.stateDir);
  if (isInsideOrSame(folder, stateDir))
    throw new RestoreError(
      'INVALID_TARGET',
      `${target.path} is inside the helper's state directory (${rules.stateDir}); choose another folder`,
    );
  const repository = rules.repositoryPath === null ? null : await realpathOfPath(rules.repositoryPath);
  if (repository !== null && isInsideOrSame(folder, repository))
    throw new RestoreError(
      'INVALID_TARGET',
      `${target.path} is inside the repository being restored from (${rules.repositoryPath}); choose another folder`,
    );
  await refuseOverlaps(folder, rules, request.includePaths);
  const existing = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new RestoreError('INVALID_TARGET', `${target.path} cannot be used: ${error.message}`);
  });
  if (existing !== null && !existing.isDirectory())
    throw new RestoreError('INVALID_TARGET', `${target.path} exists and is not a folder`);
  if (existing === null && request.create) {
    try {
      await mkdir(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new RestoreError(
        'INVALID_TARGET',
        `the target folder ${target.path} cannot be created: ${(error as Error).message}`,
      );
    }
  }
  return { targetRoot: folder, exclusiveKey: `folder:${folder}` };
}

/** Restored paths must not land on the helper's state or the repository (`/var/lib` restored onto its state dir). */
async function refuseOverlaps(
  root: string,
  rules: TargetRules,
  includePaths: readonly string[],
): Promise<void> {
  const protectedPaths = [{ what: "the helper's state directory", at: await realpathOfPath(rules.stateDir) }];
  if (rules.repositoryPath !== null)
    protectedPaths.push({
      what: 'the repository being restored from',
      at: await realpathOfPath(rules.repositoryPath),
    });
  for (const include of includePaths) {
    const lands = path.join(root, include);
    for (const guarded of protectedPaths)
      if (isInsideOrSame(guarded.at, lands))
        throw new RestoreError(
          'INVALID_TARGET',
          `restoring ${include} into ${root} would write over ${guarded.what} (${guarded.at}); choose another target or leave that component out`,
        );
  }
}

export function isInsideOrSame(child: string, parent: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : `${parent}${path.sep}`;
  return child.startsWith(prefix);
}

/**
 * The real path of `file` even when its end does not exist yet: the deepest existing ancestor resolved (symlinks
 * followed, so a link into the state directory is seen through) and the missing rest appended.
 */
export async function realpathOfPath(file: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(file);
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : path.join(real, ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(file);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

function label(os: OsFamily): string {
  return os === 'windows' ? 'Windows' : 'Linux';
}
