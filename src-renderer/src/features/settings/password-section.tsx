import type { AppInfo, PasswordStatus } from '@contract';
import { type FormEvent, useState } from 'react';
import { describedBy, FieldFeedback, isInvalid } from './field-feedback';
import type { Change, Loadable } from './settings-store';
import { passwordStatusView } from './settings-text';

export interface PasswordSectionProps {
  mode: AppInfo['mode'] | null;
  repository: string | null;
  status: Loadable<PasswordStatus>;
  change: Change;
  pending: 'remember' | 'forget' | null;
  onRemember(password: string): void;
  onForget(): void;
}

const passwordFileInputId = 'settings-password-file-input';

/**
 * The repository password: typed here, handed to main to remember (the OS keychain in the desktop app), never
 * shown back or kept by the page. The field is cleared as soon as it was sent, whatever the answer.
 */
export function PasswordSection({
  mode,
  repository,
  status,
  change,
  pending,
  onRemember,
  onForget,
}: PasswordSectionProps) {
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (pending !== null) return;
    onRemember(password);
    setPassword('');
  };
  const unavailable = change.refusal?.code === 'SECRETS_UNAVAILABLE';
  return (
    <section className="card" aria-labelledby="settings-password-title">
      <h3 id="settings-password-title">Repository password</h3>
      <p>
        The password encrypts the repository. It is never shown back.{' '}
        {mode === 'console'
          ? 'This console runs in a browser, which never keeps it: remembering a password needs the desktop app.'
          : "Remembered passwords are encrypted by the operating system's keychain and handed to the helper when you start a session from this app."}
      </p>
      <PasswordStatusNote status={status} />
      <form className="form" onSubmit={submit} aria-label="Remember the password">
        <label htmlFor="settings-password-input">
          Password of {repository === null ? 'the repository' : <span className="mono">{repository}</span>}
        </label>
        <div className="toolbar">
          <input
            id="settings-password-input"
            className="input input-grow"
            type="password"
            autoComplete="new-password"
            value={password}
            disabled={repository === null}
            // Unavailable (SECRETS_UNAVAILABLE) is not a wrong password: only a problem in the form marks it.
            aria-invalid={change.problem !== null ? true : undefined}
            aria-describedby={describedBy(change, 'password')}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button
            type="submit"
            className="button button-primary"
            aria-disabled={pending !== null || repository === null}
          >
            {pending === 'remember' ? 'Remembering…' : 'Remember for this repository'}
          </button>
          <button
            type="button"
            className="button"
            aria-disabled={pending !== null || repository === null}
            onClick={() => {
              if (pending === null && repository !== null) onForget();
            }}
          >
            {pending === 'forget' ? 'Forgetting…' : 'Forget'}
          </button>
        </div>
        {repository === null && <p className="muted small">Set the repository first.</p>}
        <FieldFeedback change={change} id="password" />
        {unavailable && (
          <div className="callout callout-info toolbar settings-instead" data-testid="password-instead">
            <p>
              <strong>What to do instead:</strong> give the helper a password file. Scheduled sessions read
              the password from it too.
            </p>
            <button
              type="button"
              className="button"
              onClick={() => document.getElementById(passwordFileInputId)?.focus()}
            >
              Go to the password file
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

/** Whether a password is remembered and where sessions get theirs; a screen reader hears it change. */
function PasswordStatusNote({ status }: { status: Loadable<PasswordStatus> }) {
  if (status.status !== 'ready')
    return (
      <div className="callout settings-password-status" data-testid="password-status" role="status">
        <p className={status.status === 'error' ? 'text-error' : 'muted'}>
          {status.status === 'loading'
            ? 'Checking whether a password is remembered…'
            : `Whether a password is remembered could not be read (${status.code}): ${status.message}`}
        </p>
      </div>
    );
  const view = passwordStatusView(status.value);
  return (
    <div
      className={`callout edge edge-${view.tone} settings-password-status`}
      data-testid="password-status"
      data-remembered={status.value.remembered}
      data-source={status.value.source}
      role="status"
    >
      <p>
        <strong>
          <span aria-hidden="true">{view.tone === 'ok' ? '✓ ' : '! '}</span>
          {view.headline}
        </strong>
      </p>
      <ul>
        <li data-testid="password-status-sessions">{view.sessions}</li>
        <li data-testid="password-status-scheduled">{view.scheduled}</li>
      </ul>
    </div>
  );
}

export interface PasswordFileSectionProps {
  passwordFile: string | null;
  input: string;
  change: Change;
  onInput(value: string): void;
  onSave(): void;
}

/** The file the helper reads the password from (scheduled sessions, console mode): a root-owned 0600 file. */
export function PasswordFileSection({
  passwordFile,
  input,
  change,
  onInput,
  onSave,
}: PasswordFileSectionProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave();
  };
  return (
    <section className="card" aria-labelledby="settings-password-file-title">
      <h3 id="settings-password-file-title">Password file for the helper</h3>
      <p>
        Scheduled sessions run with nobody logged in, so the helper reads the password from a file. Only root
        may read it: owned by root with mode 0600. The helper checks this and refuses any other file.
      </p>
      <dl className="facts settings-facts">
        <div className="fact">
          <dt>Current password file</dt>
          <dd className="mono" data-testid="current-password-file">
            {passwordFile ?? 'None: sessions need the password handed over'}
          </dd>
        </div>
      </dl>
      <form className="form" onSubmit={submit} aria-label="Set the password file">
        <label htmlFor={passwordFileInputId}>Path of the password file</label>
        <div className="toolbar">
          <input
            id={passwordFileInputId}
            className="input input-grow mono"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="/etc/backup-manager/password"
            value={input}
            aria-invalid={isInvalid(change)}
            aria-describedby={describedBy(change, 'password-file', 'settings-password-file-hint')}
            onChange={(event) => onInput(event.target.value)}
          />
          <button type="submit" className="button button-primary" aria-disabled={change.saving}>
            {change.saving ? 'Checking…' : 'Use this file'}
          </button>
        </div>
        <p id="settings-password-file-hint" className="muted small">
          To make one:{' '}
          <span className="mono">
            sudo install -m 600 -o root -g root /dev/null /etc/backup-manager/password
          </span>
          , then write the password into it.
        </p>
        <FieldFeedback change={change} id="password-file" />
      </form>
    </section>
  );
}
