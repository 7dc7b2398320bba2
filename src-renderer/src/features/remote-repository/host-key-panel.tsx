import type { HostKeyState } from '@contract';
import { CopyButton } from '../../components/copy-button';
import { type HostKeyStoreApi, useHostKey } from './host-key-store';
import { fingerprintCommand, hostAndPort, hostKeyStatusViews, remoteErrorHint } from './remote-text';
import './remote-repository.css';

export interface HostKeyPanelProps {
  store: HostKeyStoreApi;
  /** The panel's heading level where it is placed (a card of its own in Settings, inside a step in the wizard). */
  heading: 'h3' | 'h4';
}

/**
 * The SFTP server's host key as the helper sees it: where, which type, the SHA256 fingerprint (to compare and to
 * copy) and whether it is trusted, in words. An unknown key can be trusted after comparing it with the server's
 * own; a changed one only after an explicit confirmation. Nothing here trusts by itself.
 */
export function HostKeyPanel({ store, heading: Heading }: HostKeyPanelProps) {
  const lookup = useHostKey(store, (s) => s.lookup);
  const notice = useHostKey(store, (s) => s.notice);
  if (lookup.status === 'idle') return null;
  return (
    <div className="host-key-panel" data-testid="host-key-panel" data-state={lookup.status}>
      <Heading id="host-key-title">Host key of the server</Heading>
      {lookup.status === 'loading' ? (
        <p className="muted" role="status">
          Asking the server for its host key…
        </p>
      ) : lookup.status === 'error' ? (
        <div
          className="callout callout-error"
          role="alert"
          data-testid="host-key-error"
          data-code={lookup.code}
        >
          <p>
            <strong>The host key could not be read ({lookup.code}).</strong>{' '}
            {remoteErrorHint(lookup.code) ?? 'Nothing was trusted.'}
          </p>
          <p className="mono small">{lookup.message}</p>
          <button
            type="button"
            className="button host-key-retry"
            onClick={() => void store.getState().retry()}
          >
            Try again
          </button>
        </div>
      ) : (
        <HostKeyDetails store={store} hostKey={lookup.value} />
      )}
      <p className="notice" role="status" data-testid="host-key-notice">
        {notice}
      </p>
    </div>
  );
}

function HostKeyDetails({ store, hostKey }: { store: HostKeyStoreApi; hostKey: HostKeyState }) {
  const view = hostKeyStatusViews[hostKey.status];
  return (
    <>
      <p data-testid="host-key-status" data-status={hostKey.status}>
        <span className={`status-badge tone-${view.tone}`}>
          <span aria-hidden="true">{view.icon} </span>
          {view.label}
        </span>{' '}
        {view.explanation}
      </p>
      {hostKey.status === 'changed' && (
        <div className="callout callout-error" role="alert" data-testid="host-key-changed-warning">
          <p>
            <strong>Warning: the server’s host key changed.</strong> Either the server was reinstalled or its
            keys were replaced — or someone between this machine and the server is pretending to be it, to
            read or change your backups. Do not trust the new key unless you know which it is.
          </p>
        </div>
      )}
      <dl className="facts host-key-facts">
        <div className="fact">
          <dt>Server</dt>
          <dd className="mono" data-testid="host-key-server">
            {hostAndPort(hostKey.host, hostKey.port)}
          </dd>
        </div>
        <div className="fact">
          <dt>Key type</dt>
          <dd className="mono" data-testid="host-key-algorithm">
            {hostKey.algorithm}
          </dd>
        </div>
        <div className="fact">
          <dt>{hostKey.status === 'changed' ? 'New fingerprint' : 'Fingerprint'}</dt>
          <dd className="host-key-fingerprint-row">
            <code className="mono host-key-fingerprint" data-testid="host-key-fingerprint">
              {hostKey.fingerprint}
            </code>
            <CopyButton text={hostKey.fingerprint} label="Copy the fingerprint" />
          </dd>
        </div>
        {hostKey.status === 'changed' && hostKey.trustedFingerprint !== null && (
          <div className="fact">
            <dt>Trusted before</dt>
            <dd>
              <code className="mono host-key-fingerprint" data-testid="host-key-trusted-fingerprint">
                {hostKey.trustedFingerprint}
              </code>
            </dd>
          </div>
        )}
      </dl>
      {(hostKey.status === 'unknown' || hostKey.status === 'changed') && (
        <TrustForm store={store} hostKey={hostKey} />
      )}
    </>
  );
}

function TrustForm({ store, hostKey }: { store: HostKeyStoreApi; hostKey: HostKeyState }) {
  const confirmed = useHostKey(store, (s) => s.changeConfirmed);
  const trusting = useHostKey(store, (s) => s.trusting);
  const refusal = useHostKey(store, (s) => s.trustRefusal);
  const changed = hostKey.status === 'changed';
  const blocked = trusting || (changed && !confirmed);
  return (
    <div className="host-key-trust">
      <p>
        On the server itself (or ask its administrator), run{' '}
        <code className="mono">{fingerprintCommand(hostKey.algorithm)}</code> and compare the SHA256
        fingerprint it prints with the {changed ? 'new fingerprint' : 'fingerprint'} above, character by
        character. Trust the key only when they are the same.
      </p>
      {changed && (
        <label className="host-key-confirm">
          <input
            type="checkbox"
            checked={confirmed}
            onChange={(event) => store.getState().confirmChange(event.target.checked)}
            data-testid="host-key-confirm-change"
          />{' '}
          I compared the new fingerprint with the server’s own and I know why the key changed.
        </label>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="button button-primary"
          aria-disabled={blocked}
          aria-describedby={changed && !confirmed ? 'host-key-trust-blocked' : undefined}
          // Pressed while blocked, the store says why (the confirmation is missing) instead of doing nothing.
          onClick={() => {
            if (!trusting) void store.getState().trust();
          }}
          data-testid="host-key-trust"
        >
          {trusting ? 'Trusting…' : changed ? 'Trust the new host key' : 'Trust this host key'}
        </button>
        {changed && !confirmed && (
          <span className="small muted" id="host-key-trust-blocked">
            Tick the confirmation first.
          </span>
        )}
      </div>
      {refusal && (
        <div
          className="callout callout-error"
          role="alert"
          data-testid="host-key-trust-refusal"
          data-code={refusal.code}
        >
          <p>
            <strong>Not trusted ({refusal.code}).</strong> {remoteErrorHint(refusal.code) ?? ''}
          </p>
          <p className="mono small">{refusal.message}</p>
        </div>
      )}
    </div>
  );
}
