import { hostnameMatches } from './restore-text';

/**
 * "Type this machine's name to confirm" before anything changes the running system (an apply, an undo): the field
 * and, as the user types, whether it matches — said in words next to it, so a wrong name is refused on the spot
 * and the blocked button is not the only sign.
 */
export function HostnameField({
  id,
  hostname,
  value,
  onChange,
  testId,
}: {
  id: string;
  hostname: string;
  value: string;
  onChange(value: string): void;
  testId: string;
}) {
  const matches = hostnameMatches(value, hostname);
  const state = value === '' ? 'empty' : matches ? 'match' : 'mismatch';
  return (
    <div className="form restore-hostname">
      <label htmlFor={id}>Type this machine's name, {hostname}, to confirm</label>
      <input
        id={id}
        className="input input-grow mono"
        value={value}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={`${id}-state`}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
      />
      <p
        id={`${id}-state`}
        className={`small ${state === 'match' ? 'tone-ok' : state === 'mismatch' ? 'text-error' : ''}`}
        role="status"
        data-testid={`${testId}-state`}
        data-state={state}
      >
        {state === 'empty'
          ? '\u00a0'
          : state === 'match'
            ? '✓ Matches this machine.'
            : `✕ Not this machine’s name (${hostname}): nothing will be changed.`}
      </p>
    </div>
  );
}
