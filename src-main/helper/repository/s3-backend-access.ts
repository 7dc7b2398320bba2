/**
 * Opens an S3 repository for the helper with the keys it resolved (s3-credentials.ts: handed over by the app, the
 * settings' credentials file, or the helper's environment). The region comes from the helper's AWS_REGION or
 * AWS_DEFAULT_REGION, else us-east-1, as for the CLI. The SDK is loaded on the first S3 repository only.
 */
import type { Backend } from '../../engine/backend/backend';
import type { RepositoryLocation } from '../../engine/backend/repository-url';
import type { S3CredentialsParams } from '../../helper-protocol/protocol';

export async function openS3Backend(
  location: Extract<RepositoryLocation, { kind: 's3' }>,
  credentials: S3CredentialsParams,
  env: NodeJS.ProcessEnv,
): Promise<Backend> {
  const { S3Backend } = await import('../../engine/backend/s3-backend');
  return new S3Backend({
    endpoint: location.endpoint,
    bucket: location.bucket,
    prefix: location.prefix,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: { ...credentials },
  });
}
