import { NotYetAvailable } from '../../components/not-yet-available';

export function RestoreScreen() {
  return (
    <>
      <h2>Restore</h2>
      <NotYetAvailable title="Restore System state">
        A wizard that opens a backup repository, lists every machine and session in it, compares the backed-up
        machine with this one, and restores System state to a folder or onto this system.
      </NotYetAvailable>
    </>
  );
}
