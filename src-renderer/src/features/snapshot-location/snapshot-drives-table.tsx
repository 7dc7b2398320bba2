import type { SnapshotDrive } from '@contract';
import { formatBytes } from '../../components/format';
import { UsageBar } from '../../components/usage-bar';
import { RefusalMessage } from './refusal-message';
import type { ChangeTarget, Refusal } from './snapshot-location-store';

export interface SnapshotDrivesTableProps {
  drives: SnapshotDrive[];
  current: string;
  pending: ChangeTarget | null;
  refusal: Refusal | null;
  onUse(mountPoint: string): void;
}

const columns = 7;

/** The drives the snapshot location can be on, each with its free space and whether snapshots can live there. */
export function SnapshotDrivesTable({ drives, current, pending, refusal, onUse }: SnapshotDrivesTableProps) {
  if (drives.length === 0)
    return <p className="muted">The helper found no writable local drive to keep snapshots on.</p>;
  return (
    <div className="table-wrap">
      <table className="table snapshot-location-drives">
        <caption>Local drives that can hold the snapshot location</caption>
        <thead>
          <tr>
            <th scope="col">Drive</th>
            <th scope="col">Device</th>
            <th scope="col">Type</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="snapshot-location-col-free">
              Free
            </th>
            <th scope="col">Snapshots can live here</th>
            <th scope="col">
              <span className="sr-only">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {drives.map((drive) => {
            const target: ChangeTarget = `drive:${drive.mountPoint}`;
            const inUse = drive.mountPoint === current;
            const refusalId = `drive-refusal-${slug(drive.mountPoint)}`;
            const refused = refusal?.target === target;
            return (
              <DriveRows
                key={drive.mountPoint}
                drive={drive}
                inUse={inUse}
                busy={pending === target}
                anyBusy={pending !== null}
                refusal={refused ? refusal : null}
                refusalId={refusalId}
                onUse={onUse}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function DriveRows({
  drive,
  inUse,
  busy,
  anyBusy,
  refusal,
  refusalId,
  onUse,
}: {
  drive: SnapshotDrive;
  inUse: boolean;
  busy: boolean;
  anyBusy: boolean;
  refusal: Refusal | null;
  refusalId: string;
  onUse(mountPoint: string): void;
}) {
  const used = Math.max(0, drive.totalBytes - drive.freeBytes);
  return (
    <>
      <tr data-drive={drive.mountPoint} aria-current={inUse ? 'true' : undefined}>
        <td>
          <span className="mono">{drive.mountPoint}</span>
          {drive.isSystemDrive && <span className="badge badge-info">System disk</span>}
          {inUse && <span className="badge badge-accent">In use</span>}
        </td>
        <td className="mono">{drive.device}</td>
        <td>{drive.fsType}</td>
        <td className="num">{formatBytes(drive.totalBytes)}</td>
        <td className="snapshot-location-col-free">
          <span className="snapshot-location-free-number">{formatBytes(drive.freeBytes)}</span>
          <UsageBar used={used} total={drive.totalBytes} label={`${drive.mountPoint} usage`} />
        </td>
        <td>
          <strong className={drive.snapshotData.possible ? 'tone-ok' : 'tone-error'}>
            {drive.snapshotData.possible ? 'Yes' : 'No'}
          </strong>
          <span className="muted small snapshot-location-reason"> — {drive.snapshotData.reason}</span>
        </td>
        <td className="snapshot-location-col-action">
          {inUse ? (
            <span className="muted small">Current location</span>
          ) : (
            <button
              type="button"
              className="button"
              aria-label={`Use ${drive.mountPoint} for snapshots`}
              aria-describedby={refusal ? refusalId : undefined}
              aria-disabled={anyBusy}
              onClick={() => onUse(drive.mountPoint)}
            >
              {busy ? 'Checking…' : 'Use this drive'}
            </button>
          )}
        </td>
      </tr>
      {refusal && (
        <tr className="snapshot-location-refusal-row">
          <td colSpan={columns}>
            <RefusalMessage failure={refusal} id={refusalId} />
          </td>
        </tr>
      )}
    </>
  );
}

function slug(mountPoint: string): string {
  return mountPoint.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root';
}
