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

/** The System state definition: what it protects on each supported system. */
export function SystemStateDefinition() {
  return (
    <section className="card" aria-labelledby="data-sources-definition-title">
      <h3 id="data-sources-definition-title">What System state protects</h3>
      <OverviewGate>
        {(overview) => (
          <p>
            This machine runs <strong>{overview.os.distro}</strong> (the{' '}
            {overview.os.platform === 'win32' ? 'Windows' : 'Linux'} column applies).
          </p>
        )}
      </OverviewGate>
      <table className="table">
        <caption>Supported systems: Windows and Linux</caption>
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
  );
}
