import type { HelperStatus, SystemStateComponent } from '@contract';
import { formatBytes } from '../../components/format';
import { formatFileCount } from './data-sources-format';
import type { DetectedComponents, Loadable } from './data-sources-store';
import { RequestErrorPanel } from './request-error';

/** One detected (or absent) component: what it is, whether it is here, how big, what it reads, and why. */
export function ComponentItem({ component }: { component: SystemStateComponent }) {
  const headingId = `data-sources-component-${component.id}`;
  return (
    <li className="panel data-sources-component" data-component={component.id} aria-labelledby={headingId}>
      <div className="data-sources-component-head">
        <h4 id={headingId}>{component.title}</h4>
        <span
          className={`badge ${component.detected ? 'badge-ok' : 'badge-neutral'}`}
          data-testid="component-detected"
        >
          {component.detected ? 'Detected' : 'Not detected'}
        </span>
        <span className="data-sources-size" data-testid="component-size">
          {component.detected
            ? `${formatBytes(component.estimate.bytes)} · ${formatFileCount(component.estimate.files)}`
            : '—'}
        </span>
      </div>
      <p className="muted small">{component.description}</p>
      {component.paths.length > 0 && (
        <ul className="data-sources-paths" aria-label={`What a backup of ${component.title} reads`}>
          {component.paths.map((path) => (
            <li key={path} className="mono">
              {path}
            </li>
          ))}
        </ul>
      )}
      <details className="data-sources-evidence">
        <summary>
          Why {component.detected ? 'it is detected' : 'it is not detected'} ({component.evidence.length}{' '}
          {component.evidence.length === 1 ? 'fact' : 'facts'})
        </summary>
        {component.evidence.length === 0 ? (
          <p className="muted small">The helper gave no evidence.</p>
        ) : (
          <ul className="small data-sources-evidence-list">
            {component.evidence.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </details>
    </li>
  );
}

/** The System state components the helper detected on this machine, with the total it would back up. */
export function DetectedComponentsView({
  state,
  helper,
}: {
  state: Loadable<DetectedComponents>;
  helper: HelperStatus | null;
}) {
  if (state.status === 'loading') {
    return (
      <p className="muted placeholder" role="status">
        Detecting the System state components of this machine…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <RequestErrorPanel
        what="The components of this machine could not be read."
        error={state}
        helper={helper}
      />
    );
  }
  const { components, estimate } = state.value;
  if (components.length === 0) {
    return (
      <p className="muted placeholder" data-testid="components-empty">
        The helper reported no System state components for this machine.
      </p>
    );
  }
  const detected = components.filter((c) => c.detected).length;
  // Detected first, the helper's order otherwise.
  const ordered = [...components.filter((c) => c.detected), ...components.filter((c) => !c.detected)];
  return (
    <>
      <p className="data-sources-total" data-testid="components-total">
        <strong>
          {formatBytes(estimate.bytes)} · {formatFileCount(estimate.files)}
        </strong>{' '}
        <span className="muted">
          estimated for the {detected} of {components.length} components detected here
        </span>
      </p>
      <ul className="data-sources-components">
        {ordered.map((component) => (
          <ComponentItem key={component.id} component={component} />
        ))}
      </ul>
    </>
  );
}
