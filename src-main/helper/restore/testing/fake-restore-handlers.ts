/**
 * Test support: the restore wizard's part of a fake handler map (helper/server tests exercise the server, not the
 * wizard). Every restore method answers UNAVAILABLE, so a test that reaches one by mistake fails with a clear code.
 */
import type { RestoreMethods } from '../../restore-handlers';
import type { HelperHandlers } from '../../server/handler-map';

export function fakeRestoreHandlers(): Pick<HelperHandlers, RestoreMethods> {
  const unavailable = async (): Promise<never> => {
    throw Object.assign(new Error('the fake helper has no restore wizard'), { code: 'UNAVAILABLE' });
  };
  return {
    'restore/open': unavailable,
    'restore/close': unavailable,
    'restore/machines': unavailable,
    'restore/sessions': unavailable,
    'restore/compatibility': unavailable,
    'restore/plan': unavailable,
    'restore/start': unavailable,
    'restore/job': unavailable,
    'restore/jobs': unavailable,
    'restore/cancel': unavailable,
    'restore/wait': unavailable,
    'restore/boot-repair': unavailable,
    'restore/rollback': unavailable,
    'restore/test': unavailable,
    'restore/test-schedule/get': unavailable,
    'restore/test-schedule/set': unavailable,
  };
}
