/**
 * The helper's own settings (repository location, snapshot location, password file, retention) in
 * `<stateDir>/settings.json`. The helper owns them, not the app: scheduled sessions run with nobody logged in.
 * Every changed field is validated before anything is saved (the settings/set request comes from an unprivileged
 * client, and a bad path would only show up hours later as a failed scheduled backup). Fields left out of an
 * update keep their values, and are not validated again: a password file chmod-ed since must not block changing
 * the retention — the password source refuses it when a session needs it.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseRepositoryLocation, type RepositoryLocation } from '../../engine/backend/repository-url';
import { isEngineError } from '../../engine/errors';
import {
  emptyHelperSettings,
  type HelperSettings,
  helperSettingsSchema,
} from '../../helper-protocol/session-model';
import { readSecretFile } from './secret-file';
import { SerialQueue } from './serial-queue';
import { firstIssue, readJsonState, StateFileError, writeJsonStateAtomic } from './state-file';

export interface HelperSettingsStoreOptions {
  /** The helper runs as an ordinary user: a password file may be owned by that user instead of root. */
  testMode: boolean;
}

/**
 * Both the file and an update may leave fields out: in the file, a field added after it was written is null (its
 * default); in an update, a field left out keeps its value. Unknown fields are refused in both.
 */
const partialSettingsSchema = helperSettingsSchema.partial().strict();

export class HelperSettingsStore {
  /** Updates run one after another, each on the result of the previous one, so none is lost. */
  private readonly updates = new SerialQueue();

  constructor(
    readonly file: string,
    private readonly options: HelperSettingsStoreOptions,
  ) {}

  static inStateDir(stateDir: string, options: HelperSettingsStoreOptions): HelperSettingsStore {
    return new HelperSettingsStore(path.join(stateDir, 'settings.json'), options);
  }

  async read(): Promise<HelperSettings> {
    const stored = await readJsonState(this.file, partialSettingsSchema, 'SETTINGS_INVALID');
    return { ...emptyHelperSettings(), ...stored };
  }

  update(patch: Partial<HelperSettings>): Promise<HelperSettings> {
    return this.updates.run(() => this.apply(patch));
  }

  /** An update computed from the current settings, in the same queue (so no update in between is lost). */
  updateFrom(change: (current: HelperSettings) => Partial<HelperSettings>): Promise<HelperSettings> {
    return this.updates.run(async () => this.apply(change(await this.read())));
  }

  private async apply(patch: Partial<HelperSettings>): Promise<HelperSettings> {
    const parsed = partialSettingsSchema.safeParse(patch);
    if (!parsed.success) throw new StateFileError('SETTINGS_INVALID', firstIssue(parsed.error));
    const changes = Object.fromEntries(
      Object.entries(parsed.data).filter(([, value]) => value !== undefined),
    ) as Partial<HelperSettings>;
    await this.validate(changes);
    const next = { ...(await this.read()), ...changes };
    await writeJsonStateAtomic(this.file, next);
    return next;
  }

  private async validate(changes: Partial<HelperSettings>): Promise<void> {
    const { repository, snapshotLocation, passwordFile, sshKeyFile, s3CredentialsFile } = changes;
    if (repository) requireRepositoryLocation(repository);
    if (snapshotLocation) {
      requireAbsolute('snapshotLocation', snapshotLocation);
      await requireDirectory('snapshotLocation', snapshotLocation);
    }
    if (passwordFile) {
      requireAbsolute('passwordFile', passwordFile);
      const result = await readSecretFile(passwordFile, { testMode: this.options.testMode });
      if (!result.ok) throw invalid('passwordFile', result.problem);
    }
    // Secrets are read only when a session needs them (a key may be put in place after the setting), but where
    // they are must be a file the helper could trust, so a typo shows now rather than at 3 a.m.
    for (const [field, file] of [
      ['sshKeyFile', sshKeyFile],
      ['s3CredentialsFile', s3CredentialsFile],
    ] as const) {
      if (!file) continue;
      requireAbsolute(field, file);
      const result = await readSecretFile(file, { testMode: this.options.testMode });
      if (!result.ok) throw invalid(field, result.problem);
    }
  }
}

/** A local absolute path, or a remote location restic would accept (sftp:, s3:), without credentials in it. */
function requireRepositoryLocation(value: string): void {
  let location: RepositoryLocation;
  try {
    location = parseRepositoryLocation(value);
  } catch (error) {
    if (isEngineError(error, 'INVALID_ARGUMENT')) throw invalid('repository', error.message);
    throw error;
  }
  if (location.kind === 'local') requireAbsolute('repository', location.path);
}

function requireAbsolute(field: keyof HelperSettings, value: string): void {
  if (!path.isAbsolute(value)) throw invalid(field, `must be an absolute path, not ${JSON.stringify(value)}`);
}

async function requireDirectory(field: keyof HelperSettings, dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw invalid(field, `${dir} does not exist`);
    throw new StateFileError('SETTINGS_INVALID', `${field}: ${dir} cannot be checked: ${String(error)}`, {
      cause: error,
    });
  }
  if (!isDirectory) throw invalid(field, `${dir} is not a directory`);
}

function invalid(field: keyof HelperSettings, problem: string): StateFileError {
  return new StateFileError('SETTINGS_INVALID', `${field}: ${problem}`);
}
