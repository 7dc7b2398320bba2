import { describe, expect, it } from 'vitest';
import { parseConsoleArgs, UsageError } from './console-args';

describe('console arguments', () => {
  it('defaults to any free port', () => {
    expect(parseConsoleArgs([])).toEqual({ port: 0, help: false });
  });
  it('takes --port N and --port=N', () => {
    expect(parseConsoleArgs(['--port', '8123']).port).toBe(8123);
    expect(parseConsoleArgs(['--port=0']).port).toBe(0);
  });
  it('refuses bad ports and unknown options with a usage error', () => {
    for (const argv of [
      ['--port'],
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--port', '-1'],
      ['--host', '0.0.0.0'],
    ]) {
      expect(() => parseConsoleArgs(argv)).toThrow(UsageError);
    }
  });
});
