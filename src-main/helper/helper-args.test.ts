/**
 * The helper's command line: the defaults of the installed service, and --system-root, which only a test-mode
 * helper accepts (a real helper writing "this system" anywhere but / would report restores it never made).
 */
import { describe, expect, it } from 'vitest';
import { HelperArgsError, parseHelperArgs } from './helper-args';

describe('parseHelperArgs', () => {
  it('restores to this system at / unless told otherwise', () => {
    const args = parseHelperArgs([], 'linux', {});
    expect(args).toMatchObject({ systemRoot: '/', testMode: false, stateDir: '/var/lib/backup-manager' });
  });

  it('takes --system-root DIR (resolved) in test mode, in either order', () => {
    expect(parseHelperArgs(['--test-mode', '--system-root', '/tmp/sandbox/'], 'linux', {})).toMatchObject({
      systemRoot: '/tmp/sandbox',
      testMode: true,
    });
    expect(parseHelperArgs(['--system-root', 'sandbox', '--test-mode'], 'linux', {})).toMatchObject({
      systemRoot: `${process.cwd()}/sandbox`,
    });
  });

  it('refuses --system-root without --test-mode, and without a value', () => {
    expect(() => parseHelperArgs(['--system-root', '/tmp/sandbox'], 'linux', {})).toThrow(
      new HelperArgsError('--system-root is for tests: it needs --test-mode'),
    );
    expect(() => parseHelperArgs(['--test-mode', '--system-root'], 'linux', {})).toThrow(HelperArgsError);
    expect(() => parseHelperArgs(['--test-mode', '--system-root', '--workers', '2'], 'linux', {})).toThrow(
      '--system-root needs a value',
    );
  });
});
