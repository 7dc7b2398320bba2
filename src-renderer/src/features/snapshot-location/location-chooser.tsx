import type { FormEvent } from 'react';
import { RefusalMessage } from './refusal-message';
import type { ChangeTarget, Refusal } from './snapshot-location-store';

export interface LocationChooserProps {
  pathInput: string;
  isDefault: boolean;
  defaultLocation: string;
  pending: ChangeTarget | null;
  refusal: Refusal | null;
  onPathInput(value: string): void;
  onSubmitPath(): void;
  onBackToDefault(): void;
}

/** Any folder by its path, and the way back to the system-disk default; each refusal shown beside its control. */
export function LocationChooser(props: LocationChooserProps) {
  const { pathInput, isDefault, defaultLocation, pending, refusal } = props;
  const pathRefusal = refusal?.target === 'path' ? refusal : null;
  const defaultRefusal = refusal?.target === 'default' ? refusal : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmitPath();
  };
  return (
    <div className="snapshot-location-chooser">
      <form className="snapshot-location-path-form" onSubmit={submit} aria-label="Choose a folder">
        <label htmlFor="snapshot-location-path">Or any folder on a local drive</label>
        <div className="toolbar">
          <input
            id="snapshot-location-path"
            className="input input-grow mono"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="/srv/snapshots"
            value={pathInput}
            aria-invalid={pathRefusal ? true : undefined}
            aria-describedby={`snapshot-location-path-hint${pathRefusal ? ' path-refusal' : ''}`}
            onChange={(event) => props.onPathInput(event.target.value)}
          />
          <button type="submit" className="button" aria-disabled={pending !== null}>
            {pending === 'path' ? 'Checking…' : 'Use this folder'}
          </button>
        </div>
        <p id="snapshot-location-path-hint" className="muted small">
          The folder must exist, be on a local drive and be writable; its drive needs room for a snapshot. It
          is checked before anything is saved.
        </p>
        {pathRefusal && <RefusalMessage failure={pathRefusal} id="path-refusal" />}
      </form>
      <div className="toolbar">
        <button
          type="button"
          className="button"
          data-testid="back-to-default"
          aria-disabled={pending !== null || isDefault}
          aria-describedby={defaultRefusal ? 'default-refusal' : 'snapshot-location-default-hint'}
          onClick={() => {
            if (!isDefault) props.onBackToDefault();
          }}
        >
          {pending === 'default' ? 'Checking…' : 'Back to the default'}
        </button>
        <span id="snapshot-location-default-hint" className="muted small">
          {isDefault
            ? `Snapshots already go to the default, ${defaultLocation}.`
            : `Keeps snapshots on the system disk, ${defaultLocation}, again.`}
        </span>
        {defaultRefusal && <RefusalMessage failure={defaultRefusal} id="default-refusal" />}
      </div>
    </div>
  );
}
