import type { ScheduleState } from '@contract';
import { describeNextRun, describeSpec, isEnabled, sourceTitles } from '../data-sources/data-sources-format';
import type { Loadable } from './settings-store';

/** Each data source's schedule, read-only: they are changed on Data sources. */
export function SchedulesSummary({
  schedules,
  helperDown,
}: {
  schedules: Loadable<ScheduleState[]>;
  /** The helper is not there: said once at the top of the screen, not again here. */
  helperDown: boolean;
}) {
  return (
    <section className="card" aria-labelledby="settings-schedules-title">
      <h3 id="settings-schedules-title">Schedules</h3>
      {schedules.status === 'loading' ? (
        <p className="muted" role="status">
          Reading the schedules…
        </p>
      ) : schedules.status === 'error' ? (
        <p className={helperDown ? 'muted' : 'text-error'} data-testid="schedules-error">
          {helperDown
            ? 'Not available until the helper is connected (see above).'
            : `${schedules.code}: ${schedules.message}`}
        </p>
      ) : schedules.value.length === 0 ? (
        <p className="muted">The helper reported no schedules.</p>
      ) : (
        <table className="table settings-schedules">
          <caption className="sr-only">Schedule of each data source</caption>
          <thead>
            <tr>
              <th scope="col">Data source</th>
              <th scope="col">Status</th>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
            </tr>
          </thead>
          <tbody>
            {schedules.value.map((schedule) => (
              <tr key={schedule.source} data-schedule={schedule.source}>
                <th scope="row">{sourceTitles[schedule.source]}</th>
                <td>
                  <span className={`badge ${isEnabled(schedule) ? 'badge-ok' : 'badge-neutral'}`}>
                    {isEnabled(schedule) ? 'On' : 'Off'}
                  </span>
                </td>
                <td>{describeSpec(schedule.spec)}</td>
                <td>{describeNextRun(schedule.nextRunAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="settings-link">
        <a href="#/data-sources">Change schedules on Data sources</a>
      </p>
    </section>
  );
}
