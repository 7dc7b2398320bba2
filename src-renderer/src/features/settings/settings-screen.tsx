import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { useAppStore } from '../../store/store-context';
import { locationKind } from '../remote-repository/repository-location';
import { PasswordFileSection, PasswordSection } from './password-section';
import { RepositorySection } from './repository-section';
import { RetentionSection } from './retention-section';
import { S3CredentialsFileSection, S3CredentialsSection } from './s3-section';
import { SchedulesSummary } from './schedules-summary';
import { createSettingsStore, type SettingsStoreApi, useSettings } from './settings-store';
import { SettingsUnavailable } from './settings-unavailable';
import { HostKeySection, SshKeySection } from './sftp-section';
import './settings.css';

export function SettingsScreen() {
  const api = useApi();
  const [store] = useState(() => createSettingsStore(api));
  const helperState = useAppStore((state) => state.helper?.state);
  // Read on opening, and again whenever the helper comes or goes: what it reports is the truth.
  useEffect(() => {
    void helperState;
    void store.getState().load();
  }, [store, helperState]);
  return <SettingsView store={store} />;
}

/** The screen for a given store (tests render it with a store filled by a fake api). */
export function SettingsView({ store }: { store: SettingsStoreApi }) {
  const settings = useSettings(store, (s) => s.settings);
  const schedules = useSettings(store, (s) => s.schedules);
  const helper = useAppStore((state) => state.helper);
  return (
    <>
      <h2>Settings</h2>
      {settings.status === 'loading' ? (
        <p className="muted placeholder" role="status">
          Reading the settings from the helper service…
        </p>
      ) : settings.status === 'error' ? (
        <SettingsUnavailable
          failure={settings}
          helper={helper}
          onRetry={() => void store.getState().load()}
        />
      ) : (
        <SettingsSections store={store} />
      )}
      <SchedulesSummary
        schedules={schedules}
        helperDown={
          settings.status === 'error' && schedules.status === 'error' && schedules.code === settings.code
        }
      />
    </>
  );
}

function SettingsSections({ store }: { store: SettingsStoreApi }) {
  const settings = useSettings(store, (s) => s.settings);
  const state = useSettings(store, (s) => s);
  const mode = useAppStore((s) => s.app?.mode ?? null);
  if (settings.status !== 'ready') return null;
  const { repository, passwordFile, retention, sshKeyFile, s3CredentialsFile } = settings.value;
  const kind = repository === null ? null : locationKind(repository);
  const actions = store.getState();
  return (
    <>
      <RepositorySection
        repository={repository}
        input={state.repositoryInput}
        change={state.changes.repository}
        onInput={actions.setRepositoryInput}
        onSave={() => void actions.saveRepository()}
      />
      {kind === 'sftp' && (
        <>
          <SshKeySection
            sshKeyFile={sshKeyFile}
            input={state.sshKeyFileInput}
            change={state.changes.sshKeyFile}
            onInput={actions.setSshKeyFileInput}
            onSave={() => void actions.saveSshKeyFile()}
          />
          <HostKeySection store={store.hostKey} />
        </>
      )}
      {kind === 's3' && repository !== null && (
        <>
          <S3CredentialsSection
            mode={mode}
            repository={repository}
            s3CredentialsFile={s3CredentialsFile}
            status={state.passwordStatus}
            change={state.changes.s3Credentials}
            pending={state.s3Pending}
            onRemember={(credentials) => void actions.rememberS3Credentials(credentials)}
            onForget={() => void actions.forgetS3Credentials()}
          />
          <S3CredentialsFileSection
            s3CredentialsFile={s3CredentialsFile}
            input={state.s3CredentialsFileInput}
            change={state.changes.s3CredentialsFile}
            onInput={actions.setS3CredentialsFileInput}
            onSave={() => void actions.saveS3CredentialsFile()}
          />
        </>
      )}
      <PasswordSection
        mode={mode}
        repository={repository}
        status={state.passwordStatus}
        change={state.changes.password}
        pending={state.passwordPending}
        onRemember={(password) => void actions.rememberPassword(password)}
        onForget={() => void actions.forgetPassword()}
      />
      <PasswordFileSection
        passwordFile={passwordFile}
        input={state.passwordFileInput}
        change={state.changes.passwordFile}
        onInput={actions.setPasswordFileInput}
        onSave={() => void actions.savePasswordFile()}
      />
      <RetentionSection
        retention={retention}
        form={state.retentionForm}
        keepEverything={state.keepEverything}
        problems={state.retentionProblems}
        change={state.changes.retention}
        onField={actions.setRetentionField}
        onKeepEverything={actions.setKeepEverything}
        onSave={() => void actions.saveRetention()}
      />
    </>
  );
}
