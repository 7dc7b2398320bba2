import { NotYetAvailable } from '../../components/not-yet-available';
import { OverviewGate } from '../../components/overview-gate';

/** What System state covers on each platform (the product's definition, not data about this machine). */
const systemStateComponents: { component: string; windows: string; linux: string }[] = [
  {
    component: 'Configuration',
    windows: 'Registry hives (SYSTEM, SOFTWARE, SAM, SECURITY, DEFAULT, user hives)',
    linux: '/etc, cron spools, systemd unit enablement',
  },
  {
    component: 'Boot files',
    windows: 'BCD store, boot manager, EFI System Partition',
    linux: '/boot, EFI System Partition, EFI boot entries',
  },
  {
    component: 'Disk layout',
    windows: 'Basic and dynamic disks, MBR/GPT, volumes',
    linux: 'Partition tables, LVM, md RAID, fstab/crypttab',
  },
  { component: 'SYSVOL', windows: 'On domain controllers', linux: 'Samba AD DC sysvol, when present' },
  {
    component: 'Active Directory',
    windows: 'NTDS database',
    linux: 'Samba AD database or OpenLDAP, when present',
  },
  {
    component: 'Software inventory',
    windows: 'Installed programs, features and roles',
    linux: 'Package selections (dpkg/rpm), enabled services',
  },
];

export function DataSourcesScreen() {
  return (
    <>
      <h2>Data sources</h2>
      <section className="card" aria-labelledby="system-state-title">
        <h3 id="system-state-title">System state</h3>
        <p>
          The operating system's configuration and critical components, captured from a point-in-time snapshot
          so that a failed machine can be replaced by a different computer without reconfiguring the system by
          hand.
        </p>
        <OverviewGate>
          {(overview) => (
            <p>
              This machine runs <strong>{overview.os.distro}</strong> (
              {overview.os.platform === 'win32' ? 'Windows' : 'Linux'} components below apply).
            </p>
          )}
        </OverviewGate>
        <table className="table">
          <caption>What System state protects</caption>
          <thead>
            <tr>
              <th scope="col">Component</th>
              <th scope="col">Windows</th>
              <th scope="col">Linux</th>
            </tr>
          </thead>
          <tbody>
            {systemStateComponents.map((row) => (
              <tr key={row.component}>
                <th scope="row">{row.component}</th>
                <td>{row.windows}</td>
                <td>{row.linux}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <NotYetAvailable title="Components detected on this machine">
        Detection of each component on this machine, with its size and the evidence found, and enabling or
        disabling System state for backup.
      </NotYetAvailable>
      <NotYetAvailable title="Files and folders">
        Choosing folders and files to back up alongside System state, with exclusions.
      </NotYetAvailable>
    </>
  );
}
