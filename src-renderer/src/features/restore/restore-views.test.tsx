import type { RestoreJob } from '@contract';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../api/testing/fake-api';
import { CompatibilityStep } from './compatibility-step';
import { ComponentsStep } from './components-step';
import { JobProgress } from './job-progress';
import type { RestoreWizardState } from './restore-state';
import { createRestoreStore } from './restore-store';
import { RestoreUnavailable } from './restore-unavailable';
import { RestoreWizard } from './restore-wizard';
import { ResultStep } from './result-step';
import { SessionStep } from './session-step';
import { TargetStep } from './target-step';
import {
  compatibility,
  completedJob,
  job,
  machine,
  plan,
  repositoryInfo,
  sessions,
  snapshotNew,
} from './test-fixtures';

const chosen: Partial<RestoreWizardState> = {
  repository: repositoryInfo,
  machines: {
    status: 'ready',
    value: [machine({ isThisMachine: false }), machine({ hostname: 'web-02', isThisMachine: true })],
  },
  hostname: 'web-01',
  sessions: { status: 'ready', value: sessions },
  snapshotId: snapshotNew,
  components: ['configuration', 'boot', 'software'],
  compatibility: { status: 'ready', value: compatibility() },
};

function storeWith(patch: Partial<RestoreWizardState>) {
  const store = createRestoreStore(fakeApi());
  store.setState(patch);
  // Server rendering reads zustand's initial state; serve the current one instead.
  store.getInitialState = store.getState;
  return store;
}

describe('restore views', () => {
  it('lists every machine (this one marked) and the sessions newest first, rollback backups labelled', () => {
    const html = renderToStaticMarkup(<SessionStep store={storeWith({ ...chosen, step: 'session' })} />);
    expect(html).toMatch(/web-02.*This machine/);
    expect(html).toContain('Debian GNU/Linux 12 · x64 · UEFI');
    expect(html.indexOf('cccccccc')).toBeLessThan(html.indexOf('aaaaaaaa'));
    expect(html).toMatch(/data-rollback="true".*Rollback backup/);
    expect(html).toContain('50.0 MiB');
    expect(html).toContain('1,234');
    expect(html).toContain('Configuration, Boot files, Software inventory');
  });

  it('no component chosen is an explicit "No selection" that blocks Next, with the reason', () => {
    const store = storeWith({ ...chosen, components: [], step: 'components' });
    const html = renderToStaticMarkup(<ComponentsStep store={store} />);
    expect(html).toContain('data-testid="no-selection"');
    expect(html).toMatch(/data-testid="selection-summary"[^>]*>.*No selection/);
    const wizard = renderToStaticMarkup(<RestoreWizard store={store} mode="console" />);
    expect(wizard).toMatch(/aria-disabled="true"[^>]*data-testid="wizard-next"/);
    expect(wizard).toContain('No selection: choose at least one component.');
    expect(wizard).toMatch(/aria-current="step"[^>]*>.*Components/);
    expect(wizard).toContain('Step 3 of 7');
  });

  it('shows each compatibility item with its status in text and icon, and the evidence collapsed', () => {
    const html = renderToStaticMarkup(
      <CompatibilityStep store={storeWith({ ...chosen, step: 'compatibility' })} />,
    );
    expect(html).toMatch(/data-item="arch" data-status="pass".*✓ .*Passed/);
    expect(html).toMatch(/data-item="filesystem-uuids" data-status="warn".*! .*Warning/);
    expect(html).toContain('What happens: </strong>The restore rewrites the UUIDs it can match.');
    expect(html).toContain('<details class="restore-evidence"><summary>Evidence (1)</summary>');
    expect(html).not.toContain('<details open');
  });

  it('shows the plan: unresolved UUIDs with a field, services, missing packages with the command, planned boot repair, the script', () => {
    const store = storeWith({
      ...chosen,
      step: 'target',
      folderInput: '/var/tmp/backup-manager-restore/web-01-aaaaaaaa',
      plan: { status: 'ready', value: plan() },
    });
    const html = renderToStaticMarkup(<TargetStep store={store} />);
    expect(html).toMatch(/data-uuid="1111-2222" data-resolved="false".*Unresolved.*<input/);
    expect(html).toMatch(/data-uuid="3333-4444" data-resolved="true".*5555-6666/);
    expect(html).toContain('UUID of a filesystem here for 1111-2222');
    expect(html).toContain('Not installed here (its package is missing)');
    expect(html).toContain('apt-get install nginx postgresql-15');
    expect(html).toContain('Copy the command');
    expect(html).toContain('Boot repair (planned, not run yet)');
    expect(html).toContain('Cannot run: grub-install is not installed in the target');
    expect(html).toContain('never run by Backup Manager');
    expect(html).toContain('Download the script');
    // No record of the choices it was made for (planKey): it is shown as out of date, and dimmed.
    expect(html).toContain('Out of date');
  });

  it('asks for the hostname before applying to this system, and says a rollback backup comes first', () => {
    const html = renderToStaticMarkup(
      <TargetStep store={storeWith({ ...chosen, step: 'target', targetKind: 'system' })} />,
    );
    expect(html).toContain('Type this machine&#x27;s name, web-02, to confirm');
    expect(html).toContain('rollback');
    expect(html).toMatch(/data-testid="confirm-hostname-state" data-state="empty"/);
    const wrong = renderToStaticMarkup(
      <TargetStep
        store={storeWith({ ...chosen, step: 'target', targetKind: 'system', confirmInput: 'web-01' })}
      />,
    );
    expect(wrong).toMatch(
      /data-state="mismatch">✕ Not this machine’s name \(web-02\): nothing will be changed/,
    );
  });

  it('keeps every progress slot in place, with the phases in text', () => {
    const html = renderToStaticMarkup(<JobProgress job={job({ phase: 'verify' })} label="Restored" />);
    for (const fact of ['percent', 'bytes', 'files', 'rate', 'eta'])
      expect(html).toContain(`restore-${fact}`);
    expect(html).toContain('12.5 MiB of 50.0 MiB');
    expect(html).toContain('100 of 1,234');
    expect(html).toContain('12.5 MB/s');
    expect(html).toContain('About 3 minutes');
    expect(html).toMatch(/data-phase="rollback-backup" data-state="skipped".*\(not needed\)/);
    expect(html).toMatch(/aria-current="step".*Verify.*\(current\)/);
    expect(html).toContain('/etc/ssh/sshd_config');
  });

  it('the result: verification numbers, the checklist, boot repair; undo only after an apply', () => {
    const folder = renderToStaticMarkup(
      <ResultStep
        store={storeWith({
          ...chosen,
          step: 'result',
          job: completedJob(),
          plan: { status: 'ready', value: plan() },
        })}
      />,
    );
    expect(folder).toMatch(/data-fact="verified-files".*1,234/);
    expect(folder).toMatch(/data-fact="verified-mismatches".*✓ .*0/);
    expect(folder).toMatch(/data-item="boot-repair" data-status="todo".*To do/);
    expect(folder).toContain('Run boot repair…');
    expect(folder).not.toContain('Undo (roll back)');

    const applied: RestoreJob = completedJob({
      target: { kind: 'system', confirmHostname: 'web-02' },
      targetRoot: '/',
      rollbackSnapshotId: 'f'.repeat(64),
      verification: {
        filesChecked: 3,
        bytesChecked: 30,
        mismatches: [{ path: '/etc/fstab', reason: 'content differs' }],
      },
    });
    const system = renderToStaticMarkup(
      <ResultStep store={storeWith({ ...chosen, step: 'result', job: applied })} />,
    );
    expect(system).toContain('Undo (roll back)…');
    expect(system).toContain('ffffffff');
    expect(system).toMatch(/data-fact="verified-mismatches".*✕ .*1/);
    expect(system).toContain('/etc/fstab</span> — content differs');
  });

  it('asks for the hostname again before undoing: a wrong name is refused on the spot and Undo stays blocked', () => {
    const applied = completedJob({
      target: { kind: 'system', confirmHostname: 'web-02' },
      targetRoot: '/',
      rollbackSnapshotId: 'f'.repeat(64),
    });
    const dialog = (confirmInput: string) =>
      renderToStaticMarkup(
        <ResultStep
          store={storeWith({
            ...chosen,
            step: 'result',
            job: applied,
            rollback: { stage: 'confirming', confirmInput, job: null, error: null },
          })}
        />,
      );
    const wrong = dialog('web-01');
    expect(wrong).toMatch(/<dialog[^>]*data-testid="rollback-dialog"/);
    expect(wrong).toContain('Type this machine&#x27;s name, web-02, to confirm');
    expect(wrong).toMatch(
      /data-testid="rollback-hostname-state" data-state="mismatch">✕ Not this machine’s name/,
    );
    expect(wrong).toMatch(/aria-disabled="true"[^>]*data-testid="rollback-dialog-confirm"/);
    const right = dialog(' web-02 ');
    expect(right).toMatch(/data-testid="rollback-hostname-state" data-state="match">✓ Matches this machine/);
    expect(right).toMatch(/aria-disabled="false"[^>]*data-testid="rollback-dialog-confirm"/);
  });

  it('boot repair asks first, listing each step and why one cannot run; a repair that cannot run at all says why', () => {
    const confirming = renderToStaticMarkup(
      <ResultStep
        store={storeWith({
          ...chosen,
          step: 'result',
          job: completedJob(),
          plan: { status: 'ready', value: plan() },
          bootRepair: { stage: 'confirming', result: null, error: null },
        })}
      />,
    );
    expect(confirming).toMatch(/<dialog[^>]*data-testid="boot-repair-dialog"/);
    expect(confirming).toContain('update-initramfs -u -k all');
    expect(confirming).toContain('cannot run here: grub-install is not installed in the target');
    expect(confirming).toContain('data-testid="boot-repair-dialog-confirm"');

    const none = plan();
    for (const step of none.bootRepair?.steps ?? []) step.available = false;
    const blocked = renderToStaticMarkup(
      <ResultStep
        store={storeWith({
          ...chosen,
          step: 'result',
          job: completedJob(),
          plan: { status: 'ready', value: none },
        })}
      />,
    );
    expect(blocked).toMatch(/aria-disabled="true"[^>]*data-testid="run-boot-repair"/);
    expect(blocked).toContain('None of its steps can run in this target');
  });

  it('without a helper: what is wrong and what to do, no wizard', () => {
    const html = renderToStaticMarkup(
      <RestoreUnavailable
        helper={{
          state: 'unreachable',
          detail: 'The Backup Manager helper service is not running.',
          action: 'Start it with: sudo systemctl start backup-manager-helper',
          helperVersion: null,
        }}
      />,
    );
    expect(html).toContain('Restoring is not possible: helper not responding');
    expect(html).toContain('The Backup Manager helper service is not running.');
    expect(html).toContain('What to do:</strong> Start it with: sudo systemctl start backup-manager-helper');
    expect(renderToStaticMarkup(<RestoreUnavailable helper={null} />)).toContain('Waiting for the helper');
  });
});
