import type { RestoreJob } from '@contract';
import { formatBytes, formatCount } from '../../components/format';
import { RestoreBadge } from './restore-badge';
import { checklistViews, formatDateTime, jobStateViews, outcomeText } from './restore-text';

/**
 * What a finished job did: its state and headline, the error that stopped it, the verification numbers with every
 * mismatch, the entries not restored, and the checklist of what was done and what is left to the user.
 */
export function JobOutcome({ job }: { job: RestoreJob }) {
  return (
    <div className="restore-outcome" data-testid="job-outcome" data-state={job.state}>
      <p className="restore-outcome-head">
        <RestoreBadge view={jobStateViews[job.state]} testId="outcome-state" /> {outcomeText(job)}
      </p>
      <p className="small muted">
        Into <span className="mono">{job.targetRoot}</span> · started {formatDateTime(job.startedAt)}
        {job.finishedAt && ` · ended ${formatDateTime(job.finishedAt)}`}
      </p>
      {job.error && (
        <div
          className="callout callout-error"
          role="alert"
          data-code={job.error.code}
          data-testid="job-error"
        >
          <p>
            <strong>{job.error.code}</strong>
          </p>
          <p className="mono small">{job.error.message}</p>
        </div>
      )}
      <Verification job={job} />
      {job.failures.length > 0 && (
        <section aria-labelledby={`${job.id}-failures`}>
          <h4 id={`${job.id}-failures`}>Not restored ({job.failures.length})</h4>
          <div className="table-wrap">
            <table className="table" data-testid="job-failures">
              <thead>
                <tr>
                  <th scope="col">Path</th>
                  <th scope="col">Code</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {job.failures.map((failure) => (
                  <tr key={`${failure.path}:${failure.code}`}>
                    <td className="mono">{failure.path}</td>
                    <td className="mono">{failure.code}</td>
                    <td className="small">{failure.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {job.checklist.length > 0 && (
        <section aria-labelledby={`${job.id}-checklist`}>
          <h4 id={`${job.id}-checklist`}>After the restore</h4>
          <ul className="restore-checklist" data-testid="checklist">
            {job.checklist.map((item) => (
              <li key={item.id} data-item={item.id} data-status={item.status}>
                <RestoreBadge view={checklistViews[item.status]} />
                <span className="restore-checklist-text">
                  <strong>{item.title}</strong>
                  {item.detail !== '' && <span className="small">{item.detail}</span>}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Verification({ job }: { job: RestoreJob }) {
  const verification = job.verification;
  if (verification === null)
    return (
      <p className="muted" data-testid="verification">
        Not verified{job.state === 'running' ? ' yet' : ': the job ended before the verification'}.
      </p>
    );
  const mismatches = verification.mismatches;
  return (
    <section aria-labelledby={`${job.id}-verification`} data-testid="verification">
      <h4 id={`${job.id}-verification`}>Verification</h4>
      <dl className="figures">
        <div data-fact="verified-files">
          <dt>Files checked</dt>
          <dd>{formatCount(verification.filesChecked)}</dd>
        </div>
        <div data-fact="verified-bytes">
          <dt>Data checked</dt>
          <dd>{formatBytes(verification.bytesChecked)}</dd>
        </div>
        <div data-fact="verified-mismatches">
          <dt>Mismatches</dt>
          <dd className={mismatches.length === 0 ? 'tone-ok' : 'tone-error'}>
            <span aria-hidden="true">{mismatches.length === 0 ? '✓ ' : '✕ '}</span>
            {formatCount(mismatches.length)}
          </dd>
        </div>
      </dl>
      {mismatches.length > 0 && (
        <ul className="restore-mismatches text-error" data-testid="mismatches">
          {mismatches.map((m) => (
            <li key={m.path}>
              <span className="mono">{m.path}</span> — {m.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
