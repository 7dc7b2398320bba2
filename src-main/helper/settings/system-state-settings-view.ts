/**
 * System state's settings (the snapshot location) as a view of the helper's settings, so the helper has one
 * snapshot location: the one its sessions read (settings.snapshotLocation). Without it SystemStateService would
 * keep a second copy in its own file, and its location(), preflight() and diagnose() could name a location the
 * sessions do not use.
 */
import type { SettingsStore, SystemStateSettings } from '../../system-state/location/settings-store';
import type { HelperSettingsStore } from './helper-settings-store';

export function systemStateSettingsView(
  helperSettings: Pick<HelperSettingsStore, 'file' | 'read' | 'update'>,
  stateDir: string,
): SettingsStore {
  const read = async (): Promise<SystemStateSettings> => ({
    snapshotLocation: (await helperSettings.read()).snapshotLocation,
  });
  return {
    dir: stateDir,
    file: helperSettings.file,
    read,
    async update(change) {
      // System state owns the snapshot location only; anything else it might pass is not a helper setting.
      if (change.snapshotLocation !== undefined)
        await helperSettings.update({ snapshotLocation: change.snapshotLocation });
      return read();
    },
  };
}
