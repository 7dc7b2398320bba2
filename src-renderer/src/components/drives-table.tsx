import type { Filesystem } from '@contract';
import { formatBytes } from './format';
import { UsageBar } from './usage-bar';

/** Every mounted filesystem with its fill level: the dashboard and the snapshot-location screen both use it. */
export function DrivesTable({ filesystems, caption }: { filesystems: Filesystem[]; caption: string }) {
  if (filesystems.length === 0) {
    return <p className="muted">No mounted filesystems were reported by the operating system.</p>;
  }
  return (
    <table className="table drives-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Mounted at</th>
          <th scope="col">Device</th>
          <th scope="col">Type</th>
          <th scope="col">Size</th>
          <th scope="col">Free</th>
          <th scope="col" className="col-usage">
            Used
          </th>
        </tr>
      </thead>
      <tbody>
        {filesystems.map((fs) => (
          <tr key={`${fs.device}@${fs.mount}`} data-mount={fs.mount}>
            <td>
              <span className="mono">{fs.mount}</span>
              {fs.isSystem && <span className="badge badge-info">System disk</span>}
              {fs.readOnly && <span className="badge badge-neutral">Read-only</span>}
            </td>
            <td className="mono">{fs.device}</td>
            <td>{fs.type}</td>
            <td className="num">{formatBytes(fs.sizeBytes)}</td>
            <td className="num">{formatBytes(fs.freeBytes)}</td>
            <td className="col-usage">
              <UsageBar used={fs.usedBytes} total={fs.sizeBytes} label={`${fs.mount} usage`} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
