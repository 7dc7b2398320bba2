/**
 * Tests only: how a promise settled, as the engine error code and message it failed with ('none' when it
 * resolved). Errors that are not EngineErrors are rethrown: they are bugs, not outcomes to compare.
 */
import { type EngineErrorCode, isEngineError } from '../errors';

export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: EngineErrorCode | 'none'; message: string }> {
  try {
    await promise;
    return { code: 'none', message: '' };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}
