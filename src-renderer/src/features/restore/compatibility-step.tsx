import type { CompatibilityItem } from '@contract';
import { FailureMessage } from './failure-message';
import { RestoreBadge } from './restore-badge';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { checkViews, overallVerdicts } from './restore-text';

/** Step 4: the backed-up machine against this one, item by item, with what the restore does about each. */
export function CompatibilityStep({ store }: { store: RestoreStoreApi }) {
  const report = useRestore(store, (s) => s.compatibility);
  const actions = store.getState();
  if (report.status === 'idle' || report.status === 'loading')
    return (
      <p className="muted placeholder" role="status">
        Comparing the session with this machine (disks, boot mode, filesystems, network)…
      </p>
    );
  if (report.status === 'error')
    return (
      <>
        <FailureMessage
          title="The session could not be compared with this machine"
          failure={report.failure}
        />
        <button type="button" className="button" onClick={() => void actions.loadCompatibility()}>
          Try again
        </button>
      </>
    );
  const { value } = report;
  return (
    <div className="restore-step-body" data-testid="compatibility" data-overall={value.overall}>
      <div className={`panel edge edge-${value.overall} restore-verdict`}>
        <RestoreBadge view={checkViews[value.overall]} testId="compatibility-overall" />
        <p>{overallVerdicts[value.overall]}</p>
      </div>
      <p className="small muted">
        Backed up on <strong>{value.backedUpHostname}</strong>, compared with this machine,{' '}
        <strong>{value.thisHostname}</strong>.
      </p>
      {!value.manifestFound && (
        <p className="callout callout-info" data-testid="no-manifest">
          This session has no machine description (it was made by an older version): only what its files say
          is compared.
        </p>
      )}
      <ul className="restore-items">
        {value.items.map((item) => (
          <CompatibilityRow key={item.id} item={item} />
        ))}
      </ul>
    </div>
  );
}

function CompatibilityRow({ item }: { item: CompatibilityItem }) {
  return (
    <li
      className={`panel edge edge-${item.status} restore-item`}
      data-item={item.id}
      data-status={item.status}
    >
      <div className="restore-item-head">
        <RestoreBadge view={checkViews[item.status]} />
        <h4>{item.title}</h4>
      </div>
      <p>{item.explanation}</p>
      {item.action !== '' && (
        <p>
          <strong>What happens: </strong>
          {item.action}
        </p>
      )}
      {item.evidence.length > 0 && (
        <details className="restore-evidence">
          <summary>Evidence ({item.evidence.length})</summary>
          <ul className="mono small">
            {item.evidence.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a static list, never reordered
              <li key={index}>{line}</li>
            ))}
          </ul>
        </details>
      )}
    </li>
  );
}
