/**
 * Every `backup-manager` subcommand. Add a command by creating its file in this folder and listing it here.
 */
import type { CliCommand } from '../cli-command';
import { backupCommand } from './backup-command';
import { catCommand } from './cat-command';
import { checkCommand } from './check-command';
import { forgetCommand } from './forget-command';
import { helperSettingsCommands } from './helper-settings-commands';
import { initCommand } from './init-command';
import { keyCommands } from './key-commands';
import { lsCommand } from './ls-command';
import { pruneCommand } from './prune-command';
import { restoreCommand } from './restore-command';
import { restoreWizardCommands } from './restore-wizard-commands';
import { scheduleCommands } from './schedule-commands';
import { sessionCommands } from './session-commands';
import { snapshotLocationCommands } from './snapshot-location-commands';
import { snapshotsCommand } from './snapshots-command';
import { systemStateCommands } from './system-state-commands';
import { unlockCommand } from './unlock-command';

export const commands: readonly CliCommand[] = [
  initCommand,
  backupCommand,
  snapshotsCommand,
  forgetCommand,
  pruneCommand,
  restoreCommand,
  lsCommand,
  catCommand,
  checkCommand,
  unlockCommand,
  ...keyCommands,
  ...systemStateCommands,
  ...snapshotLocationCommands,
  ...sessionCommands,
  ...scheduleCommands,
  ...helperSettingsCommands,
  ...restoreWizardCommands,
];
