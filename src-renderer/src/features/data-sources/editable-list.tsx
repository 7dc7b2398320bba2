import { type FormEvent, type ReactNode, useId, useState } from 'react';

/**
 * A list the user edits one entry at a time — the Files paths and the exclude patterns: each entry with Remove, a
 * field to add one, and the problem with the last attempt next to that field.
 */
export function EditableList({
  title,
  items,
  empty,
  testId,
  listTestId,
  removeLabel,
  formLabel,
  inputLabel,
  placeholder,
  saving,
  problem,
  onAdd,
  onRemove,
}: {
  title: string;
  items: readonly string[];
  /** Shown instead of the list when it is empty. */
  empty: ReactNode;
  testId?: string;
  listTestId: string;
  removeLabel(item: string): string;
  formLabel: string;
  inputLabel: string;
  placeholder: string;
  saving: boolean;
  problem: string | null;
  /** Resolves true when the entry was added (the field is then cleared). */
  onAdd(draft: string): Promise<boolean>;
  onRemove(item: string): void;
}) {
  const id = useId();
  const [draft, setDraft] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await onAdd(draft)) setDraft('');
  };

  return (
    <div className="data-sources-files" data-testid={testId}>
      <h4>{title}</h4>
      {items.length === 0 ? (
        empty
      ) : (
        <ul className="data-sources-selected" data-testid={listTestId}>
          {items.map((item) => (
            <li key={item}>
              <span className="mono">{item}</span>
              <button
                type="button"
                className="button button-small"
                disabled={saving}
                aria-label={removeLabel(item)}
                onClick={() => onRemove(item)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="data-sources-form" onSubmit={submit} aria-label={formLabel}>
        <div className="field data-sources-field-grow">
          <label htmlFor={`${id}-entry`}>{inputLabel}</label>
          <input
            id={`${id}-entry`}
            type="text"
            className="input mono"
            value={draft}
            placeholder={placeholder}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={problem !== null}
            aria-describedby={problem !== null ? `${id}-problem` : undefined}
            onChange={(e) => setDraft(e.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={saving}>
          Add
        </button>
      </form>
      {problem !== null && (
        <p id={`${id}-problem`} className="small field-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
