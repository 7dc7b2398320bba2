import type { FormEvent, ReactNode } from 'react';
import { describedBy, FieldFeedback, isInvalid } from './field-feedback';
import type { Change } from './settings-store';

export interface PathSettingFormProps {
  /** The id the input, its hint and its feedback are named after (`settings-<id>-input`…). */
  id: string;
  formLabel: string;
  label: string;
  placeholder: string;
  input: string;
  change: Change;
  button: string;
  /** How to make such a file, under the field. */
  hint: ReactNode;
  onInput(value: string): void;
  onSave(): void;
}

/** A form setting one path of the helper's settings (a file it reads a secret from): field, button, hint, feedback. */
export function PathSettingForm(props: PathSettingFormProps) {
  const { id, change } = props;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSave();
  };
  return (
    <form className="form" onSubmit={submit} aria-label={props.formLabel}>
      <label htmlFor={`settings-${id}-input`}>{props.label}</label>
      <div className="toolbar">
        <input
          id={`settings-${id}-input`}
          className="input input-grow mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder={props.placeholder}
          value={props.input}
          aria-invalid={isInvalid(change)}
          aria-describedby={describedBy(change, id, `settings-${id}-hint`)}
          onChange={(event) => props.onInput(event.target.value)}
        />
        <button type="submit" className="button button-primary" aria-disabled={change.saving}>
          {change.saving ? 'Checking…' : props.button}
        </button>
      </div>
      <div id={`settings-${id}-hint`} className="muted small">
        {props.hint}
      </div>
      <FieldFeedback change={change} id={id} />
    </form>
  );
}
