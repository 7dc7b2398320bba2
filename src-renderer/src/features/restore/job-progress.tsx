import type { RestoreJob } from '@contract';
import { ProgressFigures } from '../../components/progress-figures';
import { Stepper } from '../../components/stepper';
import { phaseStates, phaseStateWords } from './restore-text';

/**
 * A restore job's live numbers: the phases (done ones ticked, the current one highlighted, the one a failed job
 * stopped in marked, in text as well), the bar, bytes and files, rate, time left and the current item. Once the
 * job has ended there is no time left and no current item to show.
 */
export function JobProgress({ job, label }: { job: RestoreJob; label: string }) {
  const running = job.state === 'running';
  const steps = phaseStates(job).map((step) => ({ id: step.phase, label: step.label, state: step.state }));
  return (
    <div
      className="restore-progress"
      data-testid="job-progress"
      data-phase={job.phase}
      data-state={job.state}
    >
      <Stepper label="Phases" items={steps} spoken={phaseStateWords} idAttribute="data-phase" />
      <ProgressFigures
        progress={running ? job.progress : { ...job.progress, etaSeconds: null, currentItem: null }}
        barLabel={label}
        factPrefix="restore"
      />
    </div>
  );
}
