import { NotYetAvailable } from '../../components/not-yet-available';
import { useAppStore } from '../../store/store-context';

export function SessionsScreen() {
  const helper = useAppStore((state) => state.helper);
  return (
    <>
      <h2>Sessions</h2>
      <section className="card" aria-labelledby="sessions-empty-title">
        <h3 id="sessions-empty-title">No sessions</h3>
        <p>Backup sessions run in the helper service; their history, status and logs are listed here.</p>
        {helper && <p className="muted">{helper.detail}</p>}
      </section>
      <NotYetAvailable title="Back up now">
        Starting a System state session, with the preflight results first and live progress through each
        phase.
      </NotYetAvailable>
    </>
  );
}
