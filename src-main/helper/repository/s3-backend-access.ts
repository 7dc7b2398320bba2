/**
 * Opens an S3 repository with the keys the helper resolved. The S3 backend is built on its own branch; until it
 * is merged, S3 locations are refused with a message saying so, never treated as local paths.
 */
import type { Backend } from '../../engine/backend/backend';
import type { RepositoryLocation } from '../../engine/backend/repository-url';
import { EngineError } from '../../engine/errors';
import type { S3CredentialsParams } from '../../helper-protocol/protocol';

export function openS3Backend(
  location: Extract<RepositoryLocation, { kind: 's3' }>,
  _credentials: S3CredentialsParams,
  _env: NodeJS.ProcessEnv,
): Backend {
  throw new EngineError(
    'INVALID_ARGUMENT',
    `S3 repositories are not supported by this build yet: ${location.endpoint}/${location.bucket}`,
  );
}
