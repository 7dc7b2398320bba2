import { DrivesTable } from '../../components/drives-table';
import { NotYetAvailable } from '../../components/not-yet-available';
import { OverviewGate } from '../../components/overview-gate';

export function SnapshotLocationScreen() {
  return (
    <>
      <h2>Snapshot location</h2>
      <section className="card" aria-labelledby="snapshot-rule-title">
        <h3 id="snapshot-rule-title">Where snapshots are kept during a backup</h3>
        <p>
          System state is read from a point-in-time snapshot. Snapshots are created on the system disk by
          default and can grow to the size of the system while a backup runs, so the drive holding them needs
          free room. They are always deleted when the session ends.
        </p>
        <OverviewGate>
          {(overview) => {
            const system = overview.filesystems.find((fs) => fs.isSystem);
            return (
              <>
                <p data-testid="default-location">
                  Default location:{' '}
                  {system ? (
                    <strong className="mono">{system.mount}</strong>
                  ) : (
                    <strong>the system disk was not found among the mounted filesystems</strong>
                  )}
                </p>
                <DrivesTable filesystems={overview.filesystems} caption="Drives on this machine" />
              </>
            );
          }}
        </OverviewGate>
      </section>
      <NotYetAvailable title="Choose another drive">
        Moving the snapshot location to another drive, after checking that it is local, writable and has
        enough free space for a snapshot.
      </NotYetAvailable>
    </>
  );
}
