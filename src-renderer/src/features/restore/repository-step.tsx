import type { AppInfo } from '@contract';
import type { FormEvent } from 'react';
import { HostKeyPanel } from '../remote-repository/host-key-panel';
import { locationKind } from '../remote-repository/repository-location';
import { FailureMessage } from './failure-message';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { openErrorHint } from './restore-text';

/**
 * Step 1: the repository (a folder, an SFTP server or S3 storage) and its password. The password is held by the
 * page only while typed: it goes to the helper once (restore.open) and the field is emptied as soon as the
 * repository is open. S3 access keys typed here are emptied as soon as they were sent. An SFTP server whose host
 * key is not trusted gets the host key panel, to compare and trust it.
 */
export function RepositoryStep({ store, mode }: { store: RestoreStoreApi; mode: AppInfo['mode'] | null }) {
  const input = useRestore(store, (s) => s.repositoryInput);
  const password = useRestore(store, (s) => s.passwordInput);
  const configured = useRestore(store, (s) => s.configuredRepository);
  const opening = useRestore(store, (s) => s.opening);
  const error = useRestore(store, (s) => s.openError);
  const repository = useRestore(store, (s) => s.repository);
  const actions = store.getState();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void actions.open();
  };
  const pathProblem =
    error?.code === 'INVALID_PATH' || error?.code === 'REPO_NOT_FOUND' || error?.code === 'REPO_UNREACHABLE';
  const isS3 = locationKind(input.trim()) === 's3';
  const passwordProblem = error?.code === 'WRONG_PASSWORD' || error?.code === 'PASSWORD_REQUIRED';

  return (
    <div className="restore-step-body">
      <p>
        Open the backup repository that holds the System state sessions: a folder, a USB disk with the
        repository on it, an SFTP server or S3 storage. This works on a machine that never backed up, such as
        the computer replacing a failed one.
      </p>
      {repository !== null && (
        <div className="toolbar restore-actions" data-testid="repository-opened">
          <span>
            <span className="status-badge tone-ok">
              <span aria-hidden="true">✓ </span>Open
            </span>{' '}
            <span className="mono">{repository.repository}</span> — {repository.systemStateSessions} System
            state session{repository.systemStateSessions === 1 ? '' : 's'}
          </span>
          <button type="button" className="button" onClick={() => void actions.closeRepository()}>
            Close this repository
          </button>
        </div>
      )}
      {configured !== null && (
        <div className="toolbar restore-actions">
          <button
            type="button"
            className="button"
            onClick={actions.useConfiguredRepository}
            data-testid="use-configured-repository"
          >
            Use this machine's backup repository
          </button>
          <span className="mono small">{configured}</span>
        </div>
      )}
      <form className="form restore-form" onSubmit={submit} aria-label="Open a repository">
        <label htmlFor="restore-repository-input">Repository location</label>
        <input
          id="restore-repository-input"
          className="input input-grow mono"
          value={input}
          placeholder="/media/usb/backup-repository"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={pathProblem ? true : undefined}
          aria-describedby={error ? 'restore-location-hint restore-open-error' : 'restore-location-hint'}
          onChange={(event) => actions.setRepositoryInput(event.target.value)}
          data-testid="repository-input"
        />
        <p className="small muted" id="restore-location-hint">
          A full path (<span className="mono">/media/usb/backup</span>), an SFTP server (
          <span className="mono">sftp:user@host:/path</span> or{' '}
          <span className="mono">{'sftp://user@host:port//path'}</span>) or S3 storage (
          <span className="mono">s3:https://host/bucket/prefix</span>).
        </p>
        {isS3 && <S3AccessKeys store={store} />}
        <label htmlFor="restore-password-input">Password</label>
        <input
          id="restore-password-input"
          className="input input-grow"
          type="password"
          autoComplete="off"
          value={password}
          aria-invalid={passwordProblem ? true : undefined}
          aria-describedby="restore-password-hint"
          onChange={(event) => actions.setPasswordInput(event.target.value)}
          data-testid="password-input"
        />
        <p className="small muted" id="restore-password-hint">
          {mode === 'console'
            ? 'It goes to the helper once, to open the repository; neither this page nor the browser keeps it.'
            : 'Leave it empty to use the password remembered for this repository in Settings. It goes to the helper once and is not kept by this window.'}
        </p>
        <div className="toolbar restore-actions">
          <button
            type="submit"
            className="button button-primary"
            aria-disabled={opening}
            data-testid="open-repository"
          >
            {opening ? 'Opening…' : 'Open repository'}
          </button>
          <span className="small muted" role="status">
            {opening
              ? 'Checking the password (this takes a few seconds on purpose) and reading the index…'
              : ''}
          </span>
        </div>
      </form>
      {error && (
        <div id="restore-open-error">
          <FailureMessage
            title="The repository could not be opened"
            failure={error}
            hint={openErrorHint(error.code)}
            testId="open-error"
          />
        </div>
      )}
      <HostKeyPanel store={store.hostKey} heading="h4" />
    </div>
  );
}

/** S3: access keys for this opening only; left empty, the ones remembered in Settings are used. */
function S3AccessKeys({ store }: { store: RestoreStoreApi }) {
  const accessKeyId = useRestore(store, (s) => s.s3AccessKeyIdInput);
  const secret = useRestore(store, (s) => s.s3SecretInput);
  const error = useRestore(store, (s) => s.openError);
  const invalid =
    error?.code === 'AUTH_FAILED' || error?.code === 'ACCESS_KEYS_INCOMPLETE' ? true : undefined;
  const actions = store.getState();
  return (
    <fieldset className="restore-access-keys" data-testid="s3-access-keys">
      <legend>S3 access keys (optional)</legend>
      <label htmlFor="restore-s3-access-key-id">Access key ID</label>
      <input
        id="restore-s3-access-key-id"
        className="input input-grow mono"
        autoComplete="off"
        spellCheck={false}
        value={accessKeyId}
        aria-invalid={invalid}
        aria-describedby="restore-s3-hint"
        onChange={(event) => actions.setS3AccessKeyIdInput(event.target.value)}
        data-testid="s3-access-key-id-input"
      />
      <label htmlFor="restore-s3-secret">Secret access key</label>
      <input
        id="restore-s3-secret"
        className="input input-grow"
        type="password"
        autoComplete="off"
        value={secret}
        aria-invalid={invalid}
        aria-describedby="restore-s3-hint"
        onChange={(event) => actions.setS3SecretInput(event.target.value)}
        data-testid="s3-secret-input"
      />
      <p className="small muted" id="restore-s3-hint">
        Leave both empty to use the access keys remembered for this repository in Settings. Typed here, they
        go to the helper once, with the request that opens the repository, and this page forgets them at once.
      </p>
    </fieldset>
  );
}
