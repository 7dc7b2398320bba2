/**
 * How the CLI opens an S3 repository: the access keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and
 * AWS_SESSION_TOKEN), as restic reads them; else the AWS SDK's provider chain (AWS_PROFILE in ~/.aws/credentials
 * and ~/.aws/config, SSO, web identity, the instance's role). The region from AWS_REGION or AWS_DEFAULT_REGION,
 * else us-east-1 (what S3-compatible servers expect). Loaded only for S3 locations: the SDK adds ~100 ms to a
 * command's start.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { RepositoryLocation } from '../../engine/backend/repository-url';
import { S3Backend, type S3Options } from '../../engine/backend/s3-backend';

export function openS3Backend(
  location: Extract<RepositoryLocation, { kind: 's3' }>,
  env: NodeJS.ProcessEnv,
): S3Backend {
  return new S3Backend({
    endpoint: location.endpoint,
    bucket: location.bucket,
    prefix: location.prefix,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: s3Credentials(env),
  });
}

/** restic's variables when both keys are set; else the SDK's chain, which reads the profile when it is asked. */
function s3Credentials(env: NodeJS.ProcessEnv): S3Options['credentials'] {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env.AWS_SESSION_TOKEN;
    return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
  }
  return defaultProvider(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {});
}
