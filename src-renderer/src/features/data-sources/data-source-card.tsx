import type { HelperStatus, ScheduleSpec, ScheduleState } from '@contract';
import type { ReactNode } from 'react';
import { sourceTitles } from './data-sources-format';
import type { SourceChange } from './data-sources-store';
import { RequestErrorPanel } from './request-error';
import { ScheduleForm, ScheduleSummary } from './schedule-form';

/** One data source's schedule (enabled when not off), its form, and a refused change next to it. */
export function DataSourceSchedule({
  schedule,
  change,
  helper,
  onSave,
  children,
}: {
  schedule: ScheduleState;
  change: SourceChange;
  helper: HelperStatus | null;
  onSave(spec: ScheduleSpec): void;
  children?: ReactNode;
}) {
  return (
    <div className="data-sources-source" data-source={schedule.source}>
      <ScheduleSummary schedule={schedule} />
      <ScheduleForm
        key={JSON.stringify(schedule.spec)}
        schedule={schedule}
        saving={change.saving}
        onSave={onSave}
      />
      {children}
      {change.error !== null && (
        <RequestErrorPanel
          what={`The change to ${sourceTitles[schedule.source]} was refused.`}
          error={change.error}
          helper={helper}
        />
      )}
    </div>
  );
}
