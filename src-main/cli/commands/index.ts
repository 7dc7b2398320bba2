/**
 * Every `backup-manager` subcommand. Add a command by creating its file in this folder and listing it here. Each
 * module is loaded only when the command line names it (see LazyCommands): an engine command such as `backup`
 * runs without the system-state, helper and restore-wizard code in memory.
 */
import type { CliCommand, LazyCommands } from '../cli-command';

function lazy(words: readonly string[], load: () => Promise<readonly CliCommand[]>): LazyCommands {
  return { words, load };
}

export const commands: readonly LazyCommands[] = [
  lazy(['init'], async () => [(await import('./init-command')).initCommand]),
  lazy(['backup'], async () => [(await import('./backup-command')).backupCommand]),
  lazy(['snapshots'], async () => [(await import('./snapshots-command')).snapshotsCommand]),
  lazy(['forget'], async () => [(await import('./forget-command')).forgetCommand]),
  lazy(['prune'], async () => [(await import('./prune-command')).pruneCommand]),
  lazy(['restore'], async () => [(await import('./restore-command')).restoreCommand]),
  lazy(['ls'], async () => [(await import('./ls-command')).lsCommand]),
  lazy(['cat'], async () => [(await import('./cat-command')).catCommand]),
  lazy(['check'], async () => [(await import('./check-command')).checkCommand]),
  lazy(['unlock'], async () => [(await import('./unlock-command')).unlockCommand]),
  lazy(['key'], async () => (await import('./key-commands')).keyCommands),
  lazy(['system-state'], async () => (await import('./system-state-commands')).systemStateCommands),
  lazy(
    ['snapshot-location'],
    async () => (await import('./snapshot-location-commands')).snapshotLocationCommands,
  ),
  lazy(['session'], async () => (await import('./session-commands')).sessionCommands),
  lazy(['schedule'], async () => (await import('./schedule-commands')).scheduleCommands),
  lazy(['helper-settings'], async () => [
    ...(await import('./helper-settings-commands')).helperSettingsCommands,
    ...(await import('./host-key-commands')).hostKeyCommands,
  ]),
  lazy(['restore-wizard'], async () => (await import('./restore-wizard-commands')).restoreWizardCommands),
];
