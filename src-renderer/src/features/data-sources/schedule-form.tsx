import type { ScheduleSpec, ScheduleState } from '@contract';
import { type FormEvent, useId, useState } from 'react';
import { WeekdayChecks } from '../../components/weekday-checks';
import { describeNextRun, describeSpec, isEnabled, isValidTime, sourceTitles } from './data-sources-format';

/** Enabled or not (as text, not only colour), the schedule and its next run. */
export function ScheduleSummary({ schedule }: { schedule: ScheduleState }) {
  const enabled = isEnabled(schedule);
  return (
    <dl className="facts" data-testid={`schedule-${schedule.source}`}>
      <div className="fact">
        <dt>Status</dt>
        <dd>
          <span className={`badge ${enabled ? 'badge-ok' : 'badge-neutral'}`} data-testid="enabled">
            {enabled ? 'Enabled' : 'Disabled'}
          </span>
        </dd>
      </div>
      <div className="fact">
        <dt>Schedule</dt>
        <dd data-testid="schedule-spec">{describeSpec(schedule.spec)}</dd>
      </div>
      <div className="fact">
        <dt>Next run</dt>
        <dd data-testid="next-run">{describeNextRun(schedule.nextRunAt)}</dd>
      </div>
      {schedule.lastRunAt !== null && (
        <div className="fact">
          <dt>Last scheduled run</dt>
          <dd>{new Date(schedule.lastRunAt).toLocaleString()}</dd>
        </div>
      )}
    </dl>
  );
}

/** Sets a data source's schedule: off, daily at HH:MM, or weekly on chosen days at HH:MM. */
export function ScheduleForm({
  schedule,
  saving,
  onSave,
}: {
  schedule: ScheduleState;
  saving: boolean;
  onSave(spec: ScheduleSpec): void;
}) {
  const id = useId();
  const [kind, setKind] = useState<ScheduleSpec['kind']>(schedule.spec.kind);
  const [time, setTime] = useState(schedule.spec.kind === 'off' ? '02:00' : schedule.spec.time);
  const [days, setDays] = useState<number[]>(schedule.spec.kind === 'weekly' ? schedule.spec.weekdays : [1]);
  const timeValid = isValidTime(time);
  const daysValid = kind !== 'weekly' || days.length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (kind === 'off') onSave({ kind: 'off' });
    else if (!timeValid || !daysValid) return;
    else if (kind === 'daily') onSave({ kind: 'daily', time });
    else onSave({ kind: 'weekly', weekdays: [...days].sort((a, b) => a - b), time });
  };

  return (
    <form
      className="data-sources-form"
      onSubmit={submit}
      aria-label={`Schedule of ${sourceTitles[schedule.source]}`}
    >
      <div className="field">
        <label htmlFor={`${id}-kind`}>Back up</label>
        <select
          id={`${id}-kind`}
          className="input"
          value={kind}
          onChange={(e) => setKind(e.target.value as ScheduleSpec['kind'])}
        >
          <option value="off">Off (disabled)</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
        </select>
      </div>
      {kind !== 'off' && (
        <div className="field">
          <label htmlFor={`${id}-time`}>At (local time)</label>
          <input
            id={`${id}-time`}
            className="input"
            type="time"
            value={time}
            required
            aria-invalid={!timeValid}
            onChange={(e) => setTime(e.target.value)}
          />
        </div>
      )}
      {kind === 'weekly' && (
        <WeekdayChecks
          chosen={days}
          onChange={(day, checked) => setDays(checked ? [...days, day] : days.filter((d) => d !== day))}
        />
      )}
      <button
        type="submit"
        className="button button-primary"
        disabled={saving || (kind !== 'off' && !daysValid)}
      >
        {saving ? 'Saving…' : 'Save schedule'}
      </button>
      {kind === 'weekly' && !daysValid && <p className="small field-problem">Choose at least one day.</p>}
    </form>
  );
}
