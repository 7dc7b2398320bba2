import { NotYetAvailable } from '../../components/not-yet-available';

/** The three typical causes of an interrupted System state session, each a check once the helper exists. */
const typicalCauses = [
  {
    id: 'services',
    title: 'A required service stopped or restarted',
    text: 'The Backup Manager helper and the services the snapshot needs must be running and set to start automatically.',
  },
  {
    id: 'snapshot-provider',
    title: 'The snapshot provider is absent or unstable',
    text: 'On Windows, a VSS writer (the System Writer first) is missing or not stable; on Linux, the snapshot provider reports errors.',
  },
  {
    id: 'snapshot-availability',
    title: 'The snapshot became unavailable',
    text: 'The machine restarted during the session, or the system deleted the snapshot (for example when space ran out).',
  },
];

export function TroubleshootingScreen() {
  return (
    <>
      <h2>Troubleshooting</h2>
      <section className="card" aria-labelledby="causes-title">
        <h3 id="causes-title">Why a System state session is interrupted</h3>
        <ol className="causes">
          {typicalCauses.map((cause) => (
            <li key={cause.id}>
              <strong>{cause.title}.</strong> {cause.text}
            </li>
          ))}
        </ol>
      </section>
      <NotYetAvailable title="Run all checks">
        Running each check on this machine, with its evidence and step-by-step fix, and exporting a diagnostic
        report for the help desk.
      </NotYetAvailable>
    </>
  );
}
