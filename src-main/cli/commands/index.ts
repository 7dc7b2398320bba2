/**
 * Every `backup-manager` subcommand. Add a command by creating its file in this folder and listing it here.
 */
import type { CliCommand } from '../cli-command';

export const commands: readonly CliCommand[] = [];
