import type { AppInfo, PasswordStatus } from '@contract';
import { type FormEvent, useState } from 'react';
import { describedBy, FieldFeedback } from './field-feedback';
import { PathSettingForm } from './path-setting-form';
import type { Change, Loadable } from './settings-store';
import { s3CredentialsStatusView } from './settings-text';

const s3FileInputId = 'settings-s3-credentials-file-input';

export interface S3CredentialsSectionProps {
  mode: AppInfo['mode'] | null;
  repository: string;
  s3CredentialsFile: string | null;
  status: Loadable<PasswordStatus>;
  change: Change;
  pending: 'remember' | 'forget' | null;
  onRemember(credentials: { accessKeyId: string; secretAccessKey: string }): void;
  onForget(): void;
}

/**
 * The S3 access keys: typed here, handed to main to remember (encrypted by the keychain in the desktop app), never
 * shown back or kept by the page. Both fields are cleared as soon as they were sent, whatever the answer.
 */
export function S3CredentialsSection(props: S3CredentialsSectionProps) {
  const { mode, repository, status, change, pending } = props;
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (pending !== null) return;
    props.onRemember({ accessKeyId, secretAccessKey: secret });
    setAccessKeyId('');
    setSecret('');
  };
  const unavailable = change.refusal?.code === 'SECRETS_UNAVAILABLE';
  const invalid = change.problem !== null ? true : undefined;
  return (
    <section className="card" aria-labelledby="settings-s3-title" data-testid="s3-section">
      <h3 id="settings-s3-title">S3 access keys</h3>
      <p>
        The storage admits the helper with an access key ID and its secret. They are never shown back.{' '}
        {mode === 'console'
          ? 'This console runs in a browser, which never keeps them: remembering access keys needs the desktop app.'
          : "Remembered keys are encrypted by the operating system's keychain and handed to the helper when you start a session or a restore from this app."}
      </p>
      <S3StatusNote status={status} s3CredentialsFile={props.s3CredentialsFile} />
      <form className="form" onSubmit={submit} aria-label="Remember the S3 access keys">
        <label htmlFor="settings-s3-access-key-id">
          Access key ID for <span className="mono">{repository}</span>
        </label>
        <div className="toolbar">
          <input
            id="settings-s3-access-key-id"
            className="input input-grow mono"
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={accessKeyId}
            aria-invalid={invalid}
            aria-describedby={describedBy(change, 's3-credentials')}
            onChange={(event) => setAccessKeyId(event.target.value)}
          />
        </div>
        <label htmlFor="settings-s3-secret">Secret access key</label>
        <div className="toolbar">
          <input
            id="settings-s3-secret"
            className="input input-grow"
            type="password"
            autoComplete="new-password"
            value={secret}
            aria-invalid={invalid}
            aria-describedby={describedBy(change, 's3-credentials')}
            onChange={(event) => setSecret(event.target.value)}
          />
          <button type="submit" className="button button-primary" aria-disabled={pending !== null}>
            {pending === 'remember' ? 'Remembering…' : 'Remember the access keys'}
          </button>
          <button
            type="button"
            className="button"
            aria-disabled={pending !== null}
            onClick={() => {
              if (pending === null) props.onForget();
            }}
          >
            {pending === 'forget' ? 'Forgetting…' : 'Forget the access keys'}
          </button>
        </div>
        <FieldFeedback change={change} id="s3-credentials" />
        {unavailable && (
          <div className="callout callout-info toolbar settings-instead" data-testid="s3-instead">
            <p>
              <strong>What to do instead:</strong> give the helper an access keys file. Scheduled sessions
              read the keys from it too.
            </p>
            <button
              type="button"
              className="button"
              onClick={() => document.getElementById(s3FileInputId)?.focus()}
            >
              Go to the access keys file
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

/** Whether access keys are remembered and where sessions get theirs; a screen reader hears it change. */
function S3StatusNote({
  status,
  s3CredentialsFile,
}: {
  status: Loadable<PasswordStatus>;
  s3CredentialsFile: string | null;
}) {
  if (status.status !== 'ready')
    return (
      <div className="callout settings-password-status" data-testid="s3-status" role="status">
        <p className={status.status === 'error' ? 'text-error' : 'muted'}>
          {status.status === 'loading'
            ? 'Checking whether access keys are remembered…'
            : `Whether access keys are remembered could not be read (${status.code}): ${status.message}`}
        </p>
      </div>
    );
  const view = s3CredentialsStatusView(status.value, s3CredentialsFile);
  return (
    <div
      className={`callout edge edge-${view.tone} settings-password-status`}
      data-testid="s3-status"
      data-remembered={status.value.s3CredentialsRemembered}
      role="status"
    >
      <p>
        <strong>
          <span aria-hidden="true">{view.tone === 'ok' ? '✓ ' : '! '}</span>
          {view.headline}
        </strong>
      </p>
      <ul>
        <li>{view.sessions}</li>
        <li>{view.scheduled}</li>
      </ul>
    </div>
  );
}

export interface S3CredentialsFileSectionProps {
  s3CredentialsFile: string | null;
  input: string;
  change: Change;
  onInput(value: string): void;
  onSave(): void;
}

/** The file scheduled (and restarted) sessions read the access keys from: root-owned, mode 0600. */
export function S3CredentialsFileSection(props: S3CredentialsFileSectionProps) {
  return (
    <section className="card" aria-labelledby="settings-s3-file-title" data-testid="s3-file-section">
      <h3 id="settings-s3-file-title">Access keys file for the helper</h3>
      <p>
        Scheduled sessions run with nobody logged in, so the helper reads the access keys from a file. Only
        root may read it: owned by root with mode 0600. The helper checks this and refuses any other file.
      </p>
      <dl className="facts settings-facts">
        <div className="fact">
          <dt>Current access keys file</dt>
          <dd className="mono" data-testid="current-s3-credentials-file">
            {props.s3CredentialsFile ?? 'None: sessions need the access keys handed over'}
          </dd>
        </div>
      </dl>
      <PathSettingForm
        id="s3-credentials-file"
        formLabel="Set the access keys file"
        label="Path of the access keys file"
        placeholder="/etc/backup-manager/s3-credentials"
        input={props.input}
        change={props.change}
        button="Use this access keys file"
        onInput={props.onInput}
        onSave={props.onSave}
        hint={
          <>
            <p>Two lines, the key ID and its secret:</p>
            <pre className="mono settings-file-format">{'AWS_ACCESS_KEY_ID=…\nAWS_SECRET_ACCESS_KEY=…'}</pre>
            <p>
              To make one:{' '}
              <span className="mono">
                sudo install -m 600 -o root -g root /dev/null /etc/backup-manager/s3-credentials
              </span>
              , then write the two lines into it.
            </p>
          </>
        }
      />
    </section>
  );
}
