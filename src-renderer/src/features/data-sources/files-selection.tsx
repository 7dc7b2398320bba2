import { type FormEvent, useId, useState } from 'react';

/** The Files selection: the chosen paths (or an explicit "No selection"), add one by its path, remove one. */
export function FilesSelection({
  paths,
  saving,
  pathProblem,
  onAdd,
  onRemove,
}: {
  paths: readonly string[];
  saving: boolean;
  pathProblem: string | null;
  onAdd(path: string): Promise<boolean>;
  onRemove(path: string): void;
}) {
  const id = useId();
  const [draft, setDraft] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onAdd(draft)) setDraft('');
  };

  return (
    <div className="data-sources-files">
      <h4>Selected folders and files</h4>
      {paths.length === 0 ? (
        <p className="data-sources-no-selection" data-testid="files-no-selection">
          <span className="badge badge-neutral">No selection</span>{' '}
          <span className="muted">Nothing is chosen yet: add a folder or file for Files to back up.</span>
        </p>
      ) : (
        <ul className="data-sources-selected" data-testid="files-selected">
          {paths.map((path) => (
            <li key={path}>
              <span className="mono">{path}</span>
              <button
                type="button"
                className="data-sources-button data-sources-button-secondary"
                disabled={saving}
                aria-label={`Remove ${path}`}
                onClick={() => onRemove(path)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="data-sources-form" onSubmit={submit} aria-label="Add a folder or file">
        <div className="data-sources-field data-sources-field-grow">
          <label htmlFor={`${id}-path`}>Folder or file to add (full path)</label>
          <input
            id={`${id}-path`}
            type="text"
            className="mono"
            value={draft}
            placeholder="/home/alex/Documents"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={pathProblem !== null}
            aria-describedby={pathProblem !== null ? `${id}-problem` : undefined}
            onChange={(e) => setDraft(e.target.value)}
          />
        </div>
        <button type="submit" className="data-sources-button" disabled={saving}>
          Add
        </button>
      </form>
      {pathProblem !== null && (
        <p id={`${id}-problem`} className="small data-sources-problem" role="alert">
          {pathProblem}
        </p>
      )}
    </div>
  );
}
