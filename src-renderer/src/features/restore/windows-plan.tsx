import type { RestorePlan, SysvolMode } from '@contract';

type WindowsPlan = NonNullable<RestorePlan['windows']>;

const sysvolChoices: { mode: SysvolMode; title: string; detail: string }[] = [
  {
    mode: 'non-authoritative',
    title: 'Non-authoritative (usual)',
    detail: 'This domain controller takes SYSVOL from the other domain controllers once it is back.',
  },
  {
    mode: 'authoritative',
    title: 'Authoritative',
    detail:
      'The restored SYSVOL wins over every other domain controller: only when it is the last one, or all are being restored.',
  },
];

/** What a Windows restore needs before and after (Directory Services Restore Mode, a reboot…), and SYSVOL's mode. */
export function WindowsPlanView({
  windows,
  sysvolMode,
  onSysvolMode,
}: {
  windows: WindowsPlan;
  sysvolMode: SysvolMode | null;
  onSysvolMode(mode: SysvolMode): void;
}) {
  const chosen = sysvolMode ?? windows.sysvolMode;
  return (
    <>
      {windows.requirements.length > 0 && (
        <>
          <h5>Before the restore</h5>
          <ul data-testid="windows-requirements">
            {windows.requirements.map((requirement) => (
              <li key={requirement}>{requirement}</li>
            ))}
          </ul>
        </>
      )}
      {windows.domainController && (
        <fieldset className="restore-choices">
          <legend>SYSVOL of this domain controller</legend>
          {sysvolChoices.map((choice) => (
            <label key={choice.mode} className="restore-choice">
              <input
                type="radio"
                name="restore-sysvol"
                checked={chosen === choice.mode}
                onChange={() => onSysvolMode(choice.mode)}
              />
              <span className="restore-choice-text">
                <span className="restore-choice-title">{choice.title}</span>
                <span className="small muted">{choice.detail}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {windows.steps.length > 0 && (
        <ol className="restore-plan-steps">
          {windows.steps.map((step) => (
            <li key={step.id}>
              <strong>{step.title}</strong>{' '}
              {step.requires && <span className="status-badge tone-warn">Needs {step.requires}</span>}
              <p className="small">{step.detail}</p>
              {step.commands.map((argv) => (
                <code key={argv.join(' ')} className="restore-command mono">
                  {argv.join(' ')}
                </code>
              ))}
            </li>
          ))}
        </ol>
      )}
      {windows.warnings.length > 0 && (
        <ul className="restore-warnings tone-warn">
          {windows.warnings.map((warning) => (
            <li key={warning}>
              <span aria-hidden="true">! </span>
              {warning}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
