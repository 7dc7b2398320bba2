/**
 * Every `backup-manager` subcommand. Add a command by creating its file in this folder and listing it here.
 */
import type { CliCommand } from '../cli-command';
import { snapshotLocationCommands } from './snapshot-location-commands';
import { systemStateCommands } from './system-state-commands';

export const commands: readonly CliCommand[] = [...systemStateCommands, ...snapshotLocationCommands];
