import { describe, expect, it } from 'vitest';
import { HelperClientError } from './helper-client-errors';
import { explainMissingSocket, helperLooksInstalled, installedHelperMarkers } from './helper-installation';

const missing = () =>
  new HelperClientError('HELPER_NOT_INSTALLED', 'no helper socket at /run/backup-manager/helper.sock');

describe('a missing helper socket', () => {
  it('is "not installed" only when nothing of the helper is installed', () => {
    const error = explainMissingSocket(missing(), '/run/backup-manager/helper.sock', false, () => false);
    expect(error.code).toBe('HELPER_NOT_INSTALLED');
  });

  it('is a stopped service when the unit or the wrapper is installed', () => {
    const error = explainMissingSocket(missing(), '/run/backup-manager/helper.sock', false, () => true);
    expect(error.code).toBe('HELPER_UNREACHABLE');
    expect(error.message).toContain('installed but not running');
  });

  it('in test mode says how to start a helper by hand', () => {
    const error = explainMissingSocket(missing(), '/tmp/h.sock', true, () => false);
    expect(error.code).toBe('HELPER_UNREACHABLE');
    expect(error.message).toContain('npm run helper -- --socket /tmp/h.sock');
  });

  it('leaves other failures as they are', () => {
    const untrusted = new HelperClientError('HELPER_UNTRUSTED', 'socket owned by uid 1000');
    expect(explainMissingSocket(untrusted, '/x', true, () => true)).toBe(untrusted);
  });

  it('looks for the packaged unit and wrapper on Linux only', () => {
    expect(helperLooksInstalled('linux', (file) => file === installedHelperMarkers[2])).toBe(true);
    expect(helperLooksInstalled('linux', () => false)).toBe(false);
    expect(helperLooksInstalled('win32', () => true)).toBe(false);
  });
});
