import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { useApi } from '../../api/api-context';
import { useAppStore } from '../../store/store-context';
import { CheckCard } from './check-card';
import { notReported } from './check-guide';
import { ChecksOverview } from './checks-overview';
import { HelperUnavailable } from './helper-unavailable';
import { downloadTextFile } from './report-file';
import { ReportPanel } from './report-panel';
import { createTroubleshootingStore } from './troubleshooting-store';
import { showCheck, useFocusLinkedCheck, useLinkedCheck } from './use-linked-check';
import './troubleshooting.css';

/** The checklist of this machine with evidence and fixes, and the diagnostic report for the help desk. */
export function TroubleshootingScreen() {
  const api = useApi();
  const [store] = useState(() =>
    createTroubleshootingStore({
      api,
      download: downloadTextFile,
      clipboard: typeof navigator !== 'undefined' ? navigator.clipboard : undefined,
    }),
  );
  const helper = useAppStore((state) => state.helper);
  const checks = useStore(store, (state) => state.checks);
  const running = useStore(store, (state) => state.running);
  const report = useStore(store, (state) => state.report);
  const connected = helper?.state === 'connected';
  const linked = useLinkedCheck();
  const [selected, setSelected] = useState<string | null>(null);
  const highlighted = selected ?? linked;

  // The checks run when the screen opens, and again when the helper comes back.
  useEffect(() => {
    if (connected) void store.getState().runChecks();
  }, [connected, store]);

  const result = checks.status === 'ready' ? checks.result : null;
  const resultIds = result ? result.checks.map((c) => c.id).join(' ') : null;
  const ids = useMemo(() => resultIds?.split(' ') ?? null, [resultIds]);
  useFocusLinkedCheck(linked, ids);

  const show = (id: string) => {
    setSelected(id);
    showCheck(id);
  };

  return (
    <>
      <h2>Troubleshooting</h2>
      <p className="muted troubleshooting-lead">
        Each check below says what it looks at, what it found on this machine and, when something is wrong,
        what to do, step by step. Read them out in order when helping someone on the phone.
      </p>
      {!connected ? (
        <HelperUnavailable helper={helper} />
      ) : (
        <>
          <ChecksOverview
            result={result}
            checkedAt={checks.status === 'ready' ? checks.checkedAt : null}
            running={running}
            onRun={() => void store.getState().runChecks()}
            onShow={show}
          />
          {checks.status === 'error' && (
            <div className="card alert-error" role="alert">
              The checks could not run ({checks.failure.code}): {checks.failure.message}
            </div>
          )}
          {checks.status === 'idle' && (
            <p className="muted card" role="status">
              Running the checks on this machine…
            </p>
          )}
          {result && (
            <section aria-labelledby="troubleshooting-checks-title" aria-busy={running}>
              <h3 id="troubleshooting-checks-title">Checks of this machine</h3>
              {result.checks.map((check) => (
                <CheckCard key={check.id} check={check} highlighted={highlighted === check.id} />
              ))}
              <NotReported checks={result.checks} />
            </section>
          )}
          <ReportPanel
            report={report}
            onExport={() => void store.getState().exportReport()}
            onCopy={() => void store.getState().copyReport()}
          />
        </>
      )}
    </>
  );
}

function NotReported({ checks }: { checks: Parameters<typeof notReported>[0] }) {
  const others = notReported(checks);
  if (others.length === 0) return null;
  return (
    <p className="muted small troubleshooting-not-reported">
      Not checked on this machine:{' '}
      {others.map((other, index) => (
        <span key={other.id}>
          {index > 0 && '; '}
          {other.title} (applies to {other.appliesTo})
        </span>
      ))}
      .
    </p>
  );
}
