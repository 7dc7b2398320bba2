/**
 * The settings file of System state (the snapshot location), in the config directory:
 * `BACKUP_MANAGER_CONFIG_DIR` when set (tests always set it), else `$XDG_CONFIG_HOME/backup-manager` or
 * `~/.config/backup-manager` on Linux and `%APPDATA%\Backup Manager` on Windows. Keys this room does not own are
 * kept as they are on every write (other parts of the product keep settings in the same file), and writes are
 * atomic (temporary file + rename) so a crash never leaves half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { fromNodeError, SystemStateError } from '../errors';

const settingsSchema = z.object({ snapshotLocation: z.string().min(1).nullable().optional() }).passthrough();

export type SystemStateSettings = z.infer<typeof settingsSchema>;

export function configDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.BACKUP_MANAGER_CONFIG_DIR) return path.resolve(env.BACKUP_MANAGER_CONFIG_DIR);
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Backup Manager');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'backup-manager');
}

export class SettingsStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'settings.json');
  }

  async read(): Promise<SystemStateSettings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw fromNodeError(error, `reading ${this.file}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new SystemStateError('SETTINGS_INVALID', `${this.file} is not valid JSON: ${String(error)}`, {
        cause: error,
      });
    }
    const parsed = settingsSchema.safeParse(json);
    if (!parsed.success)
      throw new SystemStateError('SETTINGS_INVALID', `${this.file}: ${parsed.error.message}`);
    return parsed.data;
  }

  async update(change: Partial<SystemStateSettings>): Promise<SystemStateSettings> {
    const next = { ...(await this.read()), ...change };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.file);
    } catch (error) {
      throw fromNodeError(error, `writing ${this.file}`);
    }
    return next;
  }
}
