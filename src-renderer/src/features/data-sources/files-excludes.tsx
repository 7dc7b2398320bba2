import { type FormEvent, useId, useState } from 'react';
import { checkNewExclude } from './data-sources-format';

/**
 * The Files exclude patterns (restic syntax), saved with the schedule like the paths. What the form can check is
 * checked here; a pattern the helper cannot compile comes back as the schedule's error (INVALID_EXCLUDE).
 */
export function FilesExcludes({
  excludes,
  saving,
  onAdd,
  onRemove,
}: {
  excludes: readonly string[];
  saving: boolean;
  onAdd(pattern: string): Promise<boolean>;
  onRemove(pattern: string): void;
}) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkNewExclude(draft, excludes);
    if (!checked.ok) {
      setProblem(checked.reason);
      return;
    }
    setProblem(null);
    if (await onAdd(checked.pattern)) setDraft('');
  };

  return (
    <div className="data-sources-files" data-testid="files-excludes">
      <h4>Excluded</h4>
      {excludes.length === 0 ? (
        <p className="muted small" data-testid="files-no-excludes">
          No excludes: everything under a selected folder is backed up.
        </p>
      ) : (
        <ul className="data-sources-selected" data-testid="files-excluded">
          {excludes.map((pattern) => (
            <li key={pattern}>
              <span className="mono">{pattern}</span>
              <button
                type="button"
                className="data-sources-button data-sources-button-secondary"
                disabled={saving}
                aria-label={`Remove exclude ${pattern}`}
                onClick={() => onRemove(pattern)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="data-sources-form" onSubmit={submit} aria-label="Add an exclude pattern">
        <div className="data-sources-field data-sources-field-grow">
          <label htmlFor={`${id}-pattern`}>
            Pattern to exclude (such as *.tmp, /home/*/.cache, **/node_modules)
          </label>
          <input
            id={`${id}-pattern`}
            type="text"
            className="mono"
            value={draft}
            placeholder="*.tmp"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={problem !== null}
            aria-describedby={problem !== null ? `${id}-problem` : undefined}
            onChange={(e) => setDraft(e.target.value)}
          />
        </div>
        <button type="submit" className="data-sources-button" disabled={saving}>
          Add
        </button>
      </form>
      {problem !== null && (
        <p id={`${id}-problem`} className="small data-sources-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
