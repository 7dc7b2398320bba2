import type { RestoreJob } from '@contract';
import { describe, expect, it } from 'vitest';
import { ok } from '../../api/testing/fake-api';
import { canLeave, choicesFor, planIsCurrent } from './restore-choices';
import { createRestoreStore, restoreStoreFor } from './restore-store';
import {
  compatibility,
  completedJob,
  handle,
  job,
  jobId,
  machine,
  repositoryInfo,
  session,
  sessions,
  snapshotNew,
  snapshotOld,
  wizardApi,
} from './test-fixtures';

/** A wizard with the repository opened (the sole machine and its newest real session chosen). */
async function opened() {
  const api = wizardApi();
  const store = createRestoreStore(api);
  await store.getState().init('linux');
  store.getState().setRepositoryInput(repositoryInfo.repository);
  store.getState().setPasswordInput('right');
  expect(await store.getState().open()).toBe(true);
  return { api, store };
}

/** …and walked to the target step (components, compatibility, default folder, first plan). */
async function atTarget() {
  const { api, store } = await opened();
  await store.getState().next(); // session → components
  await store.getState().next(); // components → compatibility (reads the report)
  await store.getState().next(); // compatibility → target (default folder, plan)
  expect(store.getState().step).toBe('target');
  return { api, store };
}

describe('step 1: the repository', () => {
  it('says WRONG_PASSWORD and stays; with the right password it opens, forgets the password and moves on', async () => {
    const api = wizardApi();
    const store = createRestoreStore(api);
    store.getState().setRepositoryInput('/media/usb/repo');
    store.getState().setPasswordInput('wrong');
    expect(await store.getState().open()).toBe(false);
    expect(store.getState()).toMatchObject({ step: 'repository', repository: null, opening: false });
    expect(store.getState().openError?.code).toBe('WRONG_PASSWORD');

    store.getState().setPasswordInput('right');
    expect(store.getState().openError).toBeNull();
    expect(await store.getState().open()).toBe(true);
    const state = store.getState();
    expect(state.passwordInput).toBe('');
    expect(state.repository).toEqual(repositoryInfo);
    expect(state.step).toBe('session');
    // The sole machine is chosen, and its newest session that is not a rollback backup, with all its components.
    expect(state.hostname).toBe('web-01');
    expect(state.snapshotId).toBe(snapshotNew);
    expect(state.components).toEqual(['configuration', 'boot', 'software']);
    expect(api.paramsOf('restore.open')).toEqual([
      { repository: '/media/usb/repo', password: 'wrong' },
      { repository: '/media/usb/repo', password: 'right' },
    ]);
    expect(api.paramsOf('restore.sessions')).toEqual([{ handle, hostname: 'web-01' }]);
  });

  it('refuses a relative path without asking, and sends no password when none is typed', async () => {
    const api = wizardApi();
    const store = createRestoreStore(api);
    store.getState().setRepositoryInput('usb/repo');
    expect(await store.getState().open()).toBe(false);
    expect(store.getState().openError).toMatchObject({ code: 'INVALID_PATH' });
    expect(api.paramsOf('restore.open')).toEqual([]);

    store.getState().setRepositoryInput('  /media/usb/repo ');
    await store.getState().open();
    expect(api.paramsOf('restore.open')).toEqual([{ repository: '/media/usb/repo' }]);
  });

  it("fills in this machine's repository from the helper settings", async () => {
    const store = createRestoreStore(wizardApi());
    store.getState().useConfiguredRepository();
    expect(store.getState().repositoryInput).toBe('');
    await store.getState().init('linux');
    store.getState().useConfiguredRepository();
    expect(store.getState().repositoryInput).toBe('/srv/backup/repo');
  });

  it('closing the repository forgets its handle in the helper and starts again', async () => {
    const { api, store } = await opened();
    await store.getState().closeRepository();
    expect(api.paramsOf('restore.close')).toEqual([{ handle }]);
    expect(store.getState()).toMatchObject({ step: 'repository', repository: null, hostname: null });
  });
});

describe('steps 2 and 3: machine, session, components', () => {
  it('a slow answer for a machine no longer chosen is ignored', async () => {
    const { api, store } = await opened();
    api.handle('restore.machines', () => ok({ machines: [machine(), machine({ hostname: 'db-01' })] }));
    let release: () => void = () => undefined;
    api.handle('restore.sessions', (p) =>
      p.hostname === 'db-01'
        ? new Promise((resolve) => {
            release = () => resolve(ok({ sessions: [session({ hostname: 'db-01' })] }));
          })
        : ok({ sessions }),
    );
    const slow = store.getState().chooseMachine('db-01');
    await store.getState().chooseMachine('web-01');
    release();
    await slow;
    expect(store.getState().hostname).toBe('web-01');
    const state = store.getState();
    expect(state.sessions.status === 'ready' && state.sessions.value).toEqual(sessions);
  });

  it('choosing another session takes all its components and drops the report and the plan', async () => {
    const { store } = await atTarget();
    store.getState().chooseSession(snapshotOld);
    expect(store.getState()).toMatchObject({
      snapshotId: snapshotOld,
      components: ['configuration', 'boot', 'software'],
      compatibility: { status: 'idle' },
      plan: { status: 'idle' },
      folderInput: '',
    });
  });

  it('no component is "No selection": Next is blocked and says why', async () => {
    const { store } = await opened();
    await store.getState().next();
    expect(store.getState().step).toBe('components');
    store.getState().selectNoComponents();
    expect(canLeave(store.getState(), 'components')).toEqual({
      ok: false,
      reason: 'No selection: choose at least one component.',
    });
    await store.getState().next();
    expect(store.getState().step).toBe('components');
    store.getState().setComponent('boot', true);
    store.getState().setComponent('configuration', true);
    // In the session's order, whatever the clicking order.
    expect(store.getState().components).toEqual(['configuration', 'boot']);
    expect(canLeave(store.getState(), 'components')).toEqual({ ok: true });
  });
});

describe('steps 4 and 5: compatibility, target, plan', () => {
  it('plans a folder restore at the default folder, and blocks Start while the plan is out of date', async () => {
    const { api, store } = await atTarget();
    expect(api.paramsOf('restore.compatibility')).toEqual([{ handle, snapshotId: snapshotNew }]);
    const folder = '/var/tmp/backup-manager-restore/web-01-aaaaaaaa';
    expect(store.getState().folderInput).toBe(folder);
    expect(api.paramsOf('restore.plan')).toEqual([
      {
        handle,
        snapshotId: snapshotNew,
        components: ['configuration', 'boot', 'software'],
        target: { kind: 'folder', path: folder },
      },
    ]);
    expect(planIsCurrent(store.getState())).toBe(true);
    expect(canLeave(store.getState(), 'target')).toEqual({ ok: true });
    // Leaving the folder field unchanged asks for no new plan.
    await store.getState().planIfStale();
    expect(api.paramsOf('restore.plan')).toHaveLength(1);

    store.getState().setFolderInput('/mnt/target');
    expect(canLeave(store.getState(), 'target')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/plan/),
    });
    await store.getState().next();
    expect(api.paramsOf('restore.start')).toEqual([]);
    await store.getState().planIfStale();
    expect(api.paramsOf('restore.plan')).toHaveLength(2);
    expect(canLeave(store.getState(), 'target')).toEqual({ ok: true });
  });

  it('sends the UUID chosen for an unresolved row, and refuses a malformed one', async () => {
    const { api, store } = await atTarget();
    store.getState().setUuidInput('1111-2222', 'not a uuid!');
    expect(choicesFor(store.getState(), 'plan')).toMatchObject({ ok: false });
    store.getState().setUuidInput('1111-2222', ' ABCD-EF01 ');
    store.getState().setDiskMapInput('/dev/sda', '/dev/nvme0n1');
    await store.getState().updatePlan();
    expect(api.paramsOf('restore.plan').at(-1)).toMatchObject({
      uuidOverrides: { '1111-2222': 'ABCD-EF01' },
      diskMap: { '/dev/sda': '/dev/nvme0n1' },
    });
  });

  it('apply to this system: planned for this machine, started only with its name typed', async () => {
    const { api, store } = await atTarget();
    store.getState().setTargetKind('system');
    await store.getState().updatePlan();
    expect(api.paramsOf('restore.plan').at(-1)).toMatchObject({
      target: { kind: 'system', confirmHostname: 'web-02' },
    });
    expect(canLeave(store.getState(), 'target')).toEqual({
      ok: false,
      reason: "Type this machine's name, web-02, to confirm.",
    });
    store.getState().setConfirmInput('web-01');
    expect(canLeave(store.getState(), 'target').ok).toBe(false);
    store.getState().setConfirmInput(' web-02 ');
    // Typing the name does not make the plan stale: it is the same plan.
    expect(canLeave(store.getState(), 'target')).toEqual({ ok: true });
    await store.getState().next();
    expect(api.paramsOf('restore.start')).toEqual([
      expect.objectContaining({ target: { kind: 'system', confirmHostname: 'web-02' } }),
    ]);
  });

  it('a failed compatibility report leaves only the folder', async () => {
    const { api, store } = await opened();
    api.handle('restore.compatibility', () =>
      ok(compatibility({ overall: 'fail', items: [{ ...compatibility().items[0]!, status: 'fail' }] })),
    );
    await store.getState().next();
    await store.getState().next();
    await store.getState().next();
    store.getState().setTargetKind('system');
    expect(choicesFor(store.getState(), 'plan')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/failed item/),
    });
    expect(canLeave(store.getState(), 'target').ok).toBe(false);
  });
});

describe('steps 6 and 7: the job', () => {
  async function running() {
    const { api, store } = await atTarget();
    await store.getState().next();
    expect(store.getState().step).toBe('run');
    return { api, store };
  }

  it('follows the job by its events (others and older ones ignored) and shows the result when it ends', async () => {
    const { api, store } = await running();
    const unsubscribe = store.getState().connect();
    const progressed = job({ phase: 'verify', progress: { ...job().progress, filesDone: 10 } });
    api.emit('restore.changed', { job: progressed });
    api.emit('restore.changed', { job: job({ id: 'f'.repeat(32), phase: 'done', state: 'completed' }) });
    api.emit('restore.changed', { job: job({ phase: 'restore' }) });
    expect(store.getState().job).toEqual(progressed);
    expect(store.getState().step).toBe('run');
    api.emit('restore.changed', { job: completedJob() });
    expect(store.getState().step).toBe('result');
    expect(store.getState().job?.state).toBe('completed');
    unsubscribe();
    expect(api.listeners('restore.changed')).toBe(0);
  });

  it('cancel asks the helper and shows the cancelled job', async () => {
    const { api, store } = await running();
    api.handle('restore.cancel', () =>
      ok({ job: job({ state: 'cancelled', error: { code: 'CANCELLED', message: 'cancelled' } }) }),
    );
    await store.getState().cancel();
    expect(api.paramsOf('restore.cancel')).toEqual([{ jobId }]);
    expect(store.getState()).toMatchObject({
      step: 'result',
      cancelling: false,
      job: { state: 'cancelled' },
    });
  });

  it('boot repair runs only after the confirmation, with confirm: true', async () => {
    const { api, store } = await running();
    store.getState().jobChanged(completedJob());
    api.handle('restore.bootRepair', () =>
      ok({ ok: true, steps: [{ id: 'initramfs', title: 'Rebuild the initramfs', ok: true, output: '' }] }),
    );
    await store.getState().confirmBootRepair();
    expect(api.paramsOf('restore.bootRepair')).toEqual([]);
    store.getState().askBootRepair();
    expect(store.getState().bootRepair.stage).toBe('confirming');
    await store.getState().confirmBootRepair();
    expect(api.paramsOf('restore.bootRepair')).toEqual([{ jobId, confirm: true }]);
    expect(store.getState().bootRepair).toMatchObject({ stage: 'done', result: { ok: true } });
  });

  it('undo of an apply needs the hostname typed again, then follows the rollback job', async () => {
    const { api, store } = await atTarget();
    store.getState().setTargetKind('system');
    await store.getState().updatePlan();
    store.getState().setConfirmInput('web-02');
    const applied: Partial<RestoreJob> = {
      target: { kind: 'system', confirmHostname: 'web-02' },
      targetRoot: '/',
      rollbackSnapshotId: 'f'.repeat(64),
    };
    api.handle('restore.start', () => ok({ job: job(applied) }));
    await store.getState().next();
    store.getState().jobChanged(completedJob(applied));
    const rollbackJob = job({ ...applied, id: 'e'.repeat(32), kind: 'rollback' });
    api.handle('restore.rollback', () => ok({ job: rollbackJob }));
    api.handle('restore.job', () => ok({ job: rollbackJob }));

    store.getState().askRollback();
    store.getState().setRollbackInput('web-01');
    await store.getState().confirmRollback();
    expect(api.paramsOf('restore.rollback')).toEqual([]);
    expect(store.getState().rollback.error?.code).toBe('HOSTNAME_MISMATCH');

    store.getState().setRollbackInput('web-02');
    await store.getState().confirmRollback();
    expect(api.paramsOf('restore.rollback')).toEqual([{ handle, jobId, confirmHostname: 'web-02' }]);
    expect(store.getState().rollback).toMatchObject({ stage: 'running', job: { kind: 'rollback' } });
    store.getState().jobChanged({ ...rollbackJob, state: 'completed', phase: 'done' });
    expect(store.getState().rollback).toMatchObject({ stage: 'idle', job: { state: 'completed' } });
  });

  it('a restore into a folder offers no undo', async () => {
    const { store } = await running();
    store.getState().jobChanged(completedJob());
    store.getState().askRollback();
    expect(store.getState().rollback.stage).toBe('idle');
  });

  it('offers to follow a restore that was already running when the page opened', async () => {
    const api = wizardApi();
    api.handle('restore.jobs', () =>
      ok({
        jobs: [
          job({ id: 'f'.repeat(32), kind: 'test-restore' }),
          job(),
          completedJob({ id: 'e'.repeat(32) }),
        ],
      }),
    );
    const store = createRestoreStore(api);
    await store.getState().init(null);
    expect(store.getState().runningElsewhere?.id).toBe(jobId);
    store.getState().followRunning();
    expect(store.getState()).toMatchObject({ step: 'run', job: { id: jobId }, runningElsewhere: null });
  });

  it('start over keeps the repository and the choices, and forgets the job', async () => {
    const { store } = await running();
    store.getState().jobChanged(completedJob());
    store.getState().startOver();
    expect(store.getState()).toMatchObject({
      step: 'session',
      job: null,
      repository: repositoryInfo,
      hostname: 'web-01',
    });
  });
});

it('one wizard per API client, so it survives leaving the screen', () => {
  const api = wizardApi();
  expect(restoreStoreFor(api)).toBe(restoreStoreFor(api));
  expect(restoreStoreFor(wizardApi())).not.toBe(restoreStoreFor(api));
});
