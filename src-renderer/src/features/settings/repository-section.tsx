import type { FormEvent } from 'react';
import {
  locationKind,
  locationKindLabels,
  locationNotations,
} from '../remote-repository/repository-location';
import { describedBy, FieldFeedback, isInvalid } from './field-feedback';
import type { Change } from './settings-store';

export interface RepositorySectionProps {
  repository: string | null;
  input: string;
  change: Change;
  onInput(value: string): void;
  onSave(): void;
}

/**
 * Where sessions write: the current repository (a folder, an SFTP server or S3 storage), and changing it (checked
 * in the form, then by the helper, whose refusal is shown at the field).
 */
export function RepositorySection({ repository, input, change, onInput, onSave }: RepositorySectionProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave();
  };
  const kind = repository === null ? null : locationKind(repository);
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
          <dd data-testid="repository-kind">{kind === null ? '—' : locationKindLabels[kind]}</dd>
        </div>
      </dl>
      <form className="form" onSubmit={submit} aria-label="Change the repository">
        <label htmlFor="settings-repository-input">New repository location</label>
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
        <div id="settings-repository-hint" className="muted small">
          <p className="settings-hint-lead">In restic’s notation; the helper checks it before saving:</p>
          <ul className="settings-notations">
            {locationNotations.map(({ notation, example }) => (
              <li key={example}>
                {notation}: <span className="mono">{example}</span>
              </li>
            ))}
          </ul>
          <p className="settings-hint-lead">
            No password or key belongs in the location: the SSH key file and the S3 access keys are set below
            once the repository is remote.
          </p>
        </div>
        <FieldFeedback change={change} id="repository" />
      </form>
    </section>
  );
}
