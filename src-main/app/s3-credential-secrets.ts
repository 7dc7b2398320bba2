/**
 * S3 access keys remembered by the app, in the same encrypted store as repository passwords (repository-secrets.ts):
 * one entry per repository under a name no repository location can have (locations are absolute paths or start
 * with a scheme), holding the keys as JSON. Like a password, they are decrypted only to be handed to the helper for
 * one session or one wizard, and never returned to the renderer.
 */
import type { RepositorySecrets } from './repository-secrets';
import { SecretsError } from './repository-secrets';

export interface RememberedS3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The store's entry name for `repository`'s S3 keys. */
export function s3CredentialsEntry(repository: string): string {
  return `s3-credentials ${repository}`;
}

/** True for locations whose repositories need S3 keys. */
export function isS3Location(repository: string | null): repository is string {
  return repository?.startsWith('s3:') === true;
}

export async function rememberS3Credentials(
  secrets: RepositorySecrets,
  repository: string,
  credentials: RememberedS3Credentials,
): Promise<void> {
  const { accessKeyId, secretAccessKey } = credentials;
  await secrets.set(s3CredentialsEntry(repository), JSON.stringify({ accessKeyId, secretAccessKey }));
}

/** The remembered keys, or null when none are; SECRETS_CORRUPT when the entry is not what this code writes. */
export async function rememberedS3Credentials(
  secrets: RepositorySecrets,
  repository: string,
): Promise<RememberedS3Credentials | null> {
  const text = await secrets.get(s3CredentialsEntry(repository));
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  const { accessKeyId, secretAccessKey } = (value ?? {}) as Partial<RememberedS3Credentials>;
  if (
    typeof accessKeyId !== 'string' ||
    typeof secretAccessKey !== 'string' ||
    !accessKeyId ||
    !secretAccessKey
  )
    // Never quote the entry: it holds the secret.
    throw new SecretsError(
      'SECRETS_CORRUPT',
      `the remembered S3 keys of ${repository} are damaged; enter them again`,
    );
  return { accessKeyId, secretAccessKey };
}
