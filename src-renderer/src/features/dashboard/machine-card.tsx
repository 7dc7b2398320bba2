import type { SystemOverview } from '@contract';

const bootModeText = { uefi: 'UEFI', bios: 'BIOS (legacy)', unknown: 'Unknown' } as const;

function editionText(serverEdition: boolean | null): string {
  if (serverEdition === null) return 'Not applicable';
  return serverEdition ? 'Server' : 'Client';
}

/** What this machine is: the facts a replacement machine will be compared against. */
export function MachineCard({ overview }: { overview: SystemOverview }) {
  const { os } = overview;
  const rows: [string, string, string][] = [
    ['hostname', 'Hostname', overview.hostname],
    [
      'os',
      'Operating system',
      [os.distro, os.release, os.codename && `(${os.codename})`].filter(Boolean).join(' '),
    ],
    ['kernel', 'Kernel', os.kernel],
    ['arch', 'Architecture', os.arch],
    ['boot-mode', 'Boot mode', bootModeText[overview.bootMode]],
    ['edition', 'Server edition', editionText(os.serverEdition)],
  ];
  return (
    <section className="card" aria-labelledby="machine-title">
      <h3 id="machine-title">This machine</h3>
      <dl className="facts">
        {rows.map(([id, label, value]) => (
          <div key={id} className="fact" data-fact={id}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">Read at {new Date(overview.collectedAt).toLocaleString()}</p>
    </section>
  );
}
