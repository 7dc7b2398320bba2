import type { RestorePlan } from '@contract';
import { CopyButton } from '../../components/copy-button';
import { downloadTextFile } from '../troubleshooting/report-file';

type Script = NonNullable<RestorePlan['diskLayoutScript']>;

/**
 * The script that would recreate the backed-up disk layout on new disks: to review, save or copy — Backup Manager
 * never runs it (it erases disks). Each old disk can be mapped to a disk of this machine first.
 */
export function DiskLayoutScript({
  script,
  inputs,
  onInput,
}: {
  script: Script;
  inputs: Record<string, string>;
  onInput(from: string, value: string): void;
}) {
  const disks = Object.keys(script.diskMap);
  return (
    <>
      <p>
        A shell script that recreates the partitions, RAID and LVM of the backed-up machine on new disks.{' '}
        <strong>It erases the disks it names and is never run by Backup Manager:</strong> review it, then run
        it yourself from a rescue system before restoring into the new disks.
      </p>
      {script.warnings.length > 0 && (
        <ul className="restore-warnings tone-warn">
          {script.warnings.map((warning) => (
            <li key={warning}>
              <span aria-hidden="true">! </span>
              {warning}
            </li>
          ))}
        </ul>
      )}
      {disks.length > 0 && (
        <fieldset className="restore-disk-map">
          <legend>Disks in the script</legend>
          {disks.map((disk) => {
            const id = `restore-disk-${disk}`;
            return (
              <div key={disk} className="toolbar">
                <label htmlFor={id}>
                  <span className="mono">{disk}</span> becomes
                </label>
                <input
                  id={id}
                  className="input mono"
                  value={inputs[disk] ?? ''}
                  placeholder={script.diskMap[disk] ?? disk}
                  spellCheck={false}
                  onChange={(event) => onInput(disk, event.target.value)}
                />
              </div>
            );
          })}
        </fieldset>
      )}
      <details data-testid="disk-layout-script">
        <summary>View the script ({script.script.split('\n').length} lines)</summary>
        <pre className="restore-pre mono">{script.script}</pre>
      </details>
      <div className="toolbar restore-actions">
        <button
          type="button"
          className="button"
          onClick={() => downloadTextFile('recreate-disk-layout.sh', script.script, 'text/x-shellscript')}
        >
          Download the script
        </button>
        <CopyButton text={script.script} label="Copy the script" />
      </div>
    </>
  );
}
