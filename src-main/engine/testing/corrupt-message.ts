/**
 * Tests only: runs something that must fail with CORRUPT and returns the error's message, so a test can also
 * check that the message names the damaged file or blob. Anything else (success, another error) fails the test.
 */
import { expect } from 'vitest';
import { isEngineError } from '../errors';

export function corruptMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isEngineError(error, 'CORRUPT'), String(error)).toBe(true);
    return (error as Error).message;
  }
  return expect.unreachable('the damaged input was accepted');
}

export async function corruptMessageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isEngineError(error, 'CORRUPT'), String(error)).toBe(true);
    return (error as Error).message;
  }
  return expect.unreachable('the damaged input was accepted');
}
