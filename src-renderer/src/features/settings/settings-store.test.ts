import { describe, expect, it } from 'vitest';
import { createSettingsStore } from './settings-store';
import { fakeApi, sampleSchedules, sampleSettings, settingsHelper } from './test-fixtures';

async function loaded(helper = settingsHelper()) {
  const store = createSettingsStore(helper.api);
  await store.getState().load();
  return { store, calls: helper.calls };
}

describe('settings store', () => {
  it('loads the settings and schedules, and shows the retention in the form', async () => {
    const { store } = await loaded();
    const state = store.getState();
    expect(state.settings).toEqual({ status: 'ready', value: sampleSettings });
    expect(state.schedules).toEqual({ status: 'ready', value: sampleSchedules });
    expect(state.keepEverything).toBe(false);
    expect(state.retentionForm).toMatchObject({ keepDaily: '7', keepWeekly: '4', keepLast: '' });
  });

  it('keeps the code and message when the helper is unavailable', async () => {
    const down = () => ({ ok: false, code: 'HELPER_UNAVAILABLE', message: 'Not installed.' }) as const;
    const store = createSettingsStore(fakeApi({ 'settings.get': down, 'schedule.get': down }).api);
    await store.getState().load();
    expect(store.getState().settings).toEqual({
      status: 'error',
      code: 'HELPER_UNAVAILABLE',
      message: 'Not installed.',
    });
    expect(store.getState().schedules.status).toBe('error');
  });

  it('refuses a relative repository in the form without asking, then saves a full path', async () => {
    const { store, calls } = await loaded();
    store.getState().setRepositoryInput('backups/repo');
    expect(await store.getState().saveRepository()).toBe(false);
    expect(store.getState().changes.repository.problem).toContain('is not a full path');
    expect(calls.some((c) => c.channel === 'settings.set')).toBe(false);

    store.getState().setRepositoryInput('/mnt/usb/repo');
    expect(store.getState().changes.repository.problem).toBeNull();
    expect(await store.getState().saveRepository()).toBe(true);
    expect(calls.at(-2)).toEqual({ channel: 'settings.set', params: { repository: '/mnt/usb/repo' } });
    expect(calls.at(-1)?.channel).toBe('repository.passwordStatus');
    expect(store.getState().changes.repository.notice).toBe('Sessions now write to /mnt/usb/repo.');
    expect(store.getState().repositoryInput).toBe('');
  });

  it('keeps the helper refusal of a password file beside it, with its code and message', async () => {
    const { store } = await loaded();
    store.getState().setPasswordFileInput('/tmp/pw-0644');
    expect(await store.getState().savePasswordFile()).toBe(false);
    expect(store.getState().changes.passwordFile.refusal).toEqual({
      code: 'SETTINGS_INVALID',
      message: expect.stringContaining('has mode 0644'),
    });
    expect(store.getState().passwordFileInput).toBe('/tmp/pw-0644');
    expect(store.getState().changes.repository.refusal).toBeNull();
  });

  it('remembers the password for the current repository, and keeps SECRETS_UNAVAILABLE honestly', async () => {
    const { store, calls } = await loaded();
    expect(await store.getState().rememberPassword('')).toBe(false);
    expect(store.getState().changes.password.problem).toBe('Type the password first.');
    expect(await store.getState().rememberPassword('s3cret')).toBe(false);
    expect(calls.at(-2)).toEqual({
      channel: 'repository.rememberPassword',
      params: { repository: '/srv/backup/repo', password: 's3cret' },
    });
    expect(store.getState().changes.password.refusal?.code).toBe('SECRETS_UNAVAILABLE');
    expect(store.getState().passwordPending).toBeNull();
    // The store never keeps the password.
    expect(JSON.stringify(store.getState())).not.toContain('s3cret');

    expect(await store.getState().forgetPassword()).toBe(true);
    expect(calls.at(-2)).toEqual({
      channel: 'repository.forgetPassword',
      params: { repository: '/srv/backup/repo' },
    });
    expect(store.getState().changes.password.notice).toContain('No password is remembered');
  });

  it('reads whether a password is remembered on load, and again after remember, forget and a new file', async () => {
    const helper = settingsHelper({ ...sampleSettings, passwordFile: null }, { keychain: true });
    const { store, calls } = await loaded(helper);
    const status = () => {
      const loadable = store.getState().passwordStatus;
      return loadable.status === 'ready' ? loadable.value : null;
    };
    expect(status()).toMatchObject({ remembered: false, source: 'none', scheduledSource: 'none' });

    expect(await store.getState().rememberPassword('s3cret')).toBe(true);
    expect(calls.at(-1)?.channel).toBe('repository.passwordStatus');
    expect(status()).toMatchObject({ remembered: true, source: 'keychain', scheduledSource: 'none' });
    // The status holds no password, and neither does anything else in the store.
    expect(JSON.stringify(store.getState())).not.toContain('s3cret');

    store.getState().setPasswordFileInput('/etc/backup-manager/password');
    expect(await store.getState().savePasswordFile()).toBe(true);
    expect(status()).toMatchObject({ remembered: true, scheduledSource: 'password-file' });

    expect(await store.getState().forgetPassword()).toBe(true);
    expect(status()).toMatchObject({ remembered: false, source: 'password-file' });

    // A new repository has nothing remembered.
    await store.getState().rememberPassword('s3cret');
    store.getState().setRepositoryInput('/mnt/other/repo');
    expect(await store.getState().saveRepository()).toBe(true);
    expect(status()).toMatchObject({ repository: '/mnt/other/repo', remembered: false });
  });

  it('keeps a status that could not be read with its code, and the settings still show', async () => {
    const api = fakeApi({
      'settings.get': () => ({ ok: true, value: { settings: sampleSettings } }),
      'schedule.get': () => ({ ok: true, value: { schedules: sampleSchedules } }),
      'repository.passwordStatus': () => ({
        ok: false,
        code: 'SECRETS_CORRUPT',
        message: 'The file of remembered passwords is damaged.',
      }),
    }).api;
    const store = createSettingsStore(api);
    await store.getState().load();
    expect(store.getState().settings.status).toBe('ready');
    expect(store.getState().passwordStatus).toEqual({
      status: 'error',
      code: 'SECRETS_CORRUPT',
      message: 'The file of remembered passwords is damaged.',
    });
  });

  it('saves retention rules or keep-everything, and refuses bad numbers in the form', async () => {
    const { store, calls } = await loaded();
    store.getState().setRetentionField('keepLast', '0');
    expect(await store.getState().saveRetention()).toBe(false);
    expect(store.getState().retentionProblems.keepLast).toBeDefined();
    store.getState().setRetentionField('keepLast', '');
    expect(store.getState().retentionProblems.keepLast).toBeUndefined();
    store.getState().setRetentionField('keepDaily', '14');
    expect(await store.getState().saveRetention()).toBe(true);
    expect(calls.at(-1)).toEqual({
      channel: 'settings.set',
      params: { retention: { keepDaily: 14, keepWeekly: 4 } },
    });

    store.getState().setKeepEverything(true);
    expect(await store.getState().saveRetention()).toBe(true);
    expect(calls.at(-1)).toEqual({ channel: 'settings.set', params: { retention: null } });
    expect(store.getState().keepEverything).toBe(true);
    expect(store.getState().changes.retention.notice).toBe('Saved: every snapshot is kept.');
  });
});
