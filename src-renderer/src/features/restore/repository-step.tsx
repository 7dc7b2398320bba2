import type { AppInfo } from '@contract';
import type { FormEvent } from 'react';
import { FailureMessage } from './failure-message';
import { type RestoreStoreApi, useRestore } from './restore-store';
import { openErrorHint } from './restore-text';

/**
 * Step 1: the repository and its password. The password is held by the page only while typed: it goes to the
 * helper once (restore.open) and the field is emptied as soon as the repository is open.
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
  const pathProblem = error?.code === 'INVALID_PATH' || error?.code === 'REPO_NOT_FOUND';
  const passwordProblem = error?.code === 'WRONG_PASSWORD' || error?.code === 'PASSWORD_REQUIRED';

  return (
    <div className="restore-step-body">
      <p>
        Open the backup repository that holds the System state sessions: a folder, or a USB disk with the
        repository on it. This works on a machine that never backed up, such as the computer replacing a
        failed one.
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
        <label htmlFor="restore-repository-input">Repository path</label>
        <input
          id="restore-repository-input"
          className="input input-grow mono"
          value={input}
          placeholder="/media/usb/backup-repository"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={pathProblem ? true : undefined}
          aria-describedby={error ? 'restore-open-error' : undefined}
          onChange={(event) => actions.setRepositoryInput(event.target.value)}
          data-testid="repository-input"
        />
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
    </div>
  );
}
