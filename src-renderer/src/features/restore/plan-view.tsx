import type { RestorePlan } from '@contract';
import type { ReactNode } from 'react';
import { CopyButton } from '../../components/copy-button';
import { DiskLayoutScript } from './disk-layout-script';
import type { RestoreWizardState } from './restore-state';
import { servicesSummary } from './restore-text';
import { UuidRemapTable } from './uuid-remap-table';
import { WindowsPlanView } from './windows-plan';

const serviceWords: Record<RestorePlan['services'][number]['action'], string> = {
  'already-enabled': 'Already enabled by the restored configuration',
  enable: 'Will be enabled',
  'unit-missing': 'Not installed here (its package is missing)',
};

export interface PlanViewProps {
  plan: RestorePlan;
  uuidInputs: RestoreWizardState['uuidInputs'];
  diskMapInputs: RestoreWizardState['diskMapInputs'];
  sysvolMode: RestoreWizardState['sysvolMode'];
  onUuidInput(from: string, value: string): void;
  onDiskMapInput(from: string, value: string): void;
  onSysvolMode(mode: NonNullable<RestoreWizardState['sysvolMode']>): void;
}

/** What the restore will do with the current choices, section by section, before anything is written. */
export function PlanView(props: PlanViewProps) {
  const { plan } = props;
  return (
    <div className="restore-plan" data-testid="restore-plan">
      <p>
        Restores {plan.components.map((c) => c.title).join(', ')} into{' '}
        <span className="mono">{plan.targetRoot}</span>.
      </p>
      <PlanSection title="Filesystem UUIDs" testId="plan-uuids">
        <UuidRemapTable remap={plan.uuidRemap} inputs={props.uuidInputs} onInput={props.onUuidInput} />
      </PlanSection>
      {plan.services.length > 0 && (
        <PlanSection title="Services" testId="plan-services">
          <p>The services the backed-up machine had enabled: {servicesSummary(plan.services)}.</p>
          <details>
            <summary>Every service ({plan.services.length})</summary>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Unit</th>
                    <th scope="col">What happens</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.services.map((service) => (
                    <tr key={service.unit} data-action={service.action}>
                      <td className="mono">{service.unit}</td>
                      <td>{serviceWords[service.action]}</td>
                      <td className="small">{service.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </PlanSection>
      )}
      {plan.missingPackages !== null && (
        <PlanSection title="Software" testId="plan-packages">
          <MissingPackages packages={plan.missingPackages} />
        </PlanSection>
      )}
      {plan.bootRepair !== null && (
        <PlanSection title="Boot repair (planned, not run yet)" testId="plan-boot-repair">
          <p>
            After the restore, “Run boot repair…” runs these in the restored system (through chroot, with{' '}
            {plan.bootRepair.bindMounts.join(', ') || 'nothing'} mounted into it). Nothing runs before you
            confirm.
          </p>
          <ol className="restore-plan-steps">
            {plan.bootRepair.steps.map((step) => (
              <li key={step.id} data-available={step.available}>
                <strong>{step.title}</strong>
                {!step.available && (
                  <span className="restore-step-blocked small tone-warn">
                    <span aria-hidden="true">! </span>Cannot run: {step.reason}
                  </span>
                )}
                {step.argv.length > 0 && <code className="restore-command mono">{step.argv.join(' ')}</code>}
              </li>
            ))}
          </ol>
          {plan.bootRepair.notes.map((note) => (
            <p key={note} className="small muted">
              {note}
            </p>
          ))}
        </PlanSection>
      )}
      {plan.diskLayoutScript !== null && (
        <PlanSection title="Disk layout" testId="plan-disk-layout">
          <DiskLayoutScript
            script={plan.diskLayoutScript}
            inputs={props.diskMapInputs}
            onInput={props.onDiskMapInput}
          />
        </PlanSection>
      )}
      {plan.windows !== null && (
        <PlanSection title="Windows" testId="plan-windows">
          <WindowsPlanView
            windows={plan.windows}
            sysvolMode={props.sysvolMode}
            onSysvolMode={props.onSysvolMode}
          />
        </PlanSection>
      )}
      {plan.notes.length > 0 && (
        <ul className="restore-notes muted">
          {plan.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function PlanSection({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="restore-plan-section" data-testid={testId} aria-label={title}>
      <h4>{title}</h4>
      {children}
    </section>
  );
}

function MissingPackages({ packages }: { packages: NonNullable<RestorePlan['missingPackages']> }) {
  const { missing, installCommand } = packages;
  return (
    <>
      <p>
        The backed-up machine had {packages.recorded.toLocaleString('en-US')} packages selected
        {packages.packageManager ? ` (${packages.packageManager})` : ''}.{' '}
        {missing.length === 0
          ? 'No missing package was found in the target.'
          : `${missing.length.toLocaleString('en-US')} of them are not installed in the target: install them after the restore.`}
      </p>
      {missing.length > 0 && (
        <details>
          <summary>Missing packages ({missing.length})</summary>
          <p className="mono small restore-package-list">{missing.join(' ')}</p>
        </details>
      )}
      {installCommand !== null && (
        <div className="toolbar restore-command-row">
          <code className="restore-command mono" data-testid="install-command">
            {installCommand}
          </code>
          <CopyButton text={installCommand} label="Copy the command" />
        </div>
      )}
      {packages.notes.map((note) => (
        <p key={note} className="small muted">
          {note}
        </p>
      ))}
    </>
  );
}
