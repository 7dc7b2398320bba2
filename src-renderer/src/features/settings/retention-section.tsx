import type { HelperSettings } from '@contract';
import type { FormEvent } from 'react';
import { FieldFeedback } from './field-feedback';
import type { Change } from './settings-store';
import { describeRetention, type RetentionForm, type RetentionKey, retentionFields } from './settings-text';

export interface RetentionSectionProps {
  retention: HelperSettings['retention'];
  form: RetentionForm;
  keepEverything: boolean;
  problems: Partial<Record<RetentionKey, string>>;
  change: Change;
  onField(key: RetentionKey, value: string): void;
  onKeepEverything(keep: boolean): void;
  onSave(): void;
}

/** Keep last / daily / weekly / monthly, or everything; applied by the helper after each completed session. */
export function RetentionSection(props: RetentionSectionProps) {
  const { retention, form, keepEverything, problems, change } = props;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSave();
  };
  return (
    <section className="card" aria-labelledby="settings-retention-title">
      <h3 id="settings-retention-title">Retention</h3>
      <p>
        After each completed session, snapshots outside these rules are forgotten (taken off the list); their
        data is not pruned, so no space is freed by it.
      </p>
      <p data-testid="retention-current">
        <span className="muted">Now:</span> {describeRetention(retention)}
      </p>
      <form className="form" onSubmit={submit} aria-label="Retention" noValidate>
        <fieldset className="settings-choice">
          <legend>What to keep</legend>
          <label>
            <input
              type="radio"
              name="settings-retention-kind"
              checked={keepEverything}
              onChange={() => props.onKeepEverything(true)}
            />{' '}
            Keep everything
          </label>
          <label>
            <input
              type="radio"
              name="settings-retention-kind"
              checked={!keepEverything}
              onChange={() => props.onKeepEverything(false)}
            />{' '}
            Keep by these rules
          </label>
        </fieldset>
        <div className="settings-retention-grid">
          {retentionFields.map(({ key, label, unit }) => {
            const problem = problems[key];
            const id = `settings-retention-${key}`;
            return (
              <div className="settings-retention-field" key={key}>
                <label htmlFor={id}>{label}</label>
                <div className="toolbar">
                  <input
                    id={id}
                    className="input settings-number"
                    type="number"
                    inputMode="numeric"
                    min={1}
                    step={1}
                    value={form[key]}
                    disabled={keepEverything}
                    aria-invalid={problem ? true : undefined}
                    aria-describedby={`${id}-unit${problem ? ` ${id}-problem` : ''}`}
                    onChange={(event) => props.onField(key, event.target.value)}
                  />
                  <span id={`${id}-unit`} className="muted small">
                    {unit}
                  </span>
                </div>
                {problem && (
                  <p id={`${id}-problem`} className="field-problem small">
                    {problem}
                  </p>
                )}
              </div>
            );
          })}
        </div>
        <p className="muted small">Empty: no rule of that kind. A snapshot matching any rule is kept.</p>
        <div>
          <button type="submit" className="button button-primary" aria-disabled={change.saving}>
            {change.saving ? 'Saving…' : 'Save retention'}
          </button>
        </div>
        <FieldFeedback change={change} id="retention" />
      </form>
    </section>
  );
}
