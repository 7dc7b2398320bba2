import type { RestorePlan } from '@contract';
import { checkUuid } from './restore-text';

/**
 * The filesystem UUIDs the restored configuration refers to and what they become here. A row the helper could not
 * match is marked Unresolved (its references stay as they are) and offers a field for the UUID of a filesystem
 * here; the plan is then updated with the choice.
 */
export function UuidRemapTable({
  remap,
  inputs,
  onInput,
}: {
  remap: RestorePlan['uuidRemap'];
  inputs: Record<string, string>;
  onInput(from: string, value: string): void;
}) {
  if (remap.entries.length === 0)
    return (
      <p className="muted" data-testid="uuid-remap-none">
        Every filesystem UUID the configuration names exists here: nothing to rewrite.
      </p>
    );
  return (
    <>
      <p>
        {remap.unresolved === 0
          ? 'Every UUID below is rewritten in the restored configuration.'
          : `${remap.unresolved} UUID${remap.unresolved === 1 ? ' has' : 's have'} no match here: the lines that use ${remap.unresolved === 1 ? 'it stay' : 'them stay'} as they are unless you choose a filesystem for ${remap.unresolved === 1 ? 'it' : 'each'} (blkid lists them).`}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="uuid-remap">
          <thead>
            <tr>
              <th scope="col">UUID in the backup</th>
              <th scope="col">Mount point</th>
              <th scope="col">Becomes</th>
              <th scope="col">Why</th>
              <th scope="col">Used in</th>
            </tr>
          </thead>
          <tbody>
            {remap.entries.map((entry) => {
              const typed = inputs[entry.from] ?? '';
              const checked = checkUuid(typed);
              const fieldId = `restore-uuid-${entry.from}`;
              return (
                <tr key={entry.from} data-uuid={entry.from} data-resolved={entry.to !== null}>
                  <td className="mono">{entry.from}</td>
                  <td className="mono">{entry.mountpoint ?? '—'}</td>
                  <td>
                    {entry.to !== null && !(entry.from in inputs) ? (
                      <span className="mono">{entry.to}</span>
                    ) : (
                      <div className="toolbar">
                        {entry.to === null && (
                          <span className="status-badge tone-warn">
                            <span aria-hidden="true">! </span>Unresolved
                          </span>
                        )}
                        <label className="sr-only" htmlFor={fieldId}>
                          UUID of a filesystem here for {entry.from}
                        </label>
                        <input
                          id={fieldId}
                          className="input mono"
                          value={typed}
                          placeholder="UUID here"
                          spellCheck={false}
                          aria-invalid={checked.ok ? undefined : true}
                          onChange={(event) => onInput(entry.from, event.target.value)}
                        />
                        {!checked.ok && <span className="text-error small">{checked.problem}</span>}
                      </div>
                    )}
                  </td>
                  <td className="small">{entry.reason}</td>
                  <td className="mono small">
                    {entry.references.map((ref) => `${ref.file}:${ref.line}`).join(', ')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
