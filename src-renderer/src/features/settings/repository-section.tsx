import type { FormEvent } from 'react';
import { describedBy, FieldFeedback, isInvalid } from './field-feedback';
import type { Change } from './settings-store';

export interface RepositorySectionProps {
  repository: string | null;
  input: string;
  change: Change;
  onInput(value: string): void;
  onSave(): void;
}

/** Where sessions write: the current repository folder, and changing it (checked in the form, then by the helper). */
export function RepositorySection({ repository, input, change, onInput, onSave }: RepositorySectionProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave();
  };
  return (
    <section className="card" aria-labelledby="settings-repository-title">
      <h3 id="settings-repository-title">Repository</h3>
      <p>The repository is where every session stores its encrypted, deduplicated snapshots.</p>
      <dl className="facts settings-facts">
        <div className="fact">
          <dt>Current repository</dt>
          <dd className="mono" data-testid="current-repository">
            {repository ?? 'Not set: sessions cannot run until one is chosen'}
          </dd>
        </div>
        <div className="fact">
          <dt>Kind</dt>
          <dd>
            Local folder <span className="muted">(SFTP and S3 repositories come in a later version)</span>
          </dd>
        </div>
      </dl>
      <form className="form" onSubmit={submit} aria-label="Change the repository">
        <label htmlFor="settings-repository-input">New repository folder</label>
        <div className="toolbar">
          <input
            id="settings-repository-input"
            className="input input-grow mono"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="/srv/backup/repository"
            value={input}
            aria-invalid={isInvalid(change)}
            aria-describedby={describedBy(change, 'repository', 'settings-repository-hint')}
            onChange={(event) => onInput(event.target.value)}
          />
          <button type="submit" className="button button-primary" aria-disabled={change.saving}>
            {change.saving ? 'Saving…' : 'Use this repository'}
          </button>
        </div>
        <p id="settings-repository-hint" className="muted small">
          The full path of a folder on this machine, starting with /. The helper checks it before saving.
        </p>
        <FieldFeedback change={change} id="repository" />
      </form>
    </section>
  );
}
