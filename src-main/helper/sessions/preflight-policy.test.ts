import { describe, expect, it } from 'vitest';
import { checkBlocksSession, nonBlockingReason } from './preflight-policy';

describe('which failing checks stop a session', () => {
  it('blocks on a failing check, never on a passing or warning one', () => {
    expect(checkBlocksSession({ id: 'free-space', status: 'fail' }, false)).toBe(true);
    expect(checkBlocksSession({ id: 'vss-writers', status: 'fail' }, true)).toBe(true);
    expect(checkBlocksSession({ id: 'free-space', status: 'warn' }, false)).toBe(false);
    expect(checkBlocksSession({ id: 'free-space', status: 'pass' }, false)).toBe(false);
  });

  it('lets the Linux services check and the 2 TB rule through, and says why', () => {
    expect(nonBlockingReason({ id: 'services', status: 'fail' }, false)).toBe('helper-is-running');
    expect(nonBlockingReason({ id: 'mbr-2tb-limit', status: 'fail' }, true)).toBe('restore-constraint');
    expect(checkBlocksSession({ id: 'services', status: 'fail' }, false)).toBe(false);
  });

  it('blocks on the services check on Windows, where VSS and Cryptographic Services are needed', () => {
    expect(checkBlocksSession({ id: 'services', status: 'fail' }, true)).toBe(true);
  });
});
