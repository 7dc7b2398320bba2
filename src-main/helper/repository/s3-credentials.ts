/**
 * S3 access keys for sessions nobody starts from the app (scheduled, restarted): read from the helper's
 * credentials file, in the shell-variable form most tools write (`AWS_ACCESS_KEY_ID=…`, optionally `export`ed or
 * quoted), else from the helper's environment. The file is read with the password file's checks (root-owned,
 * mode 0600, regular file), and its contents never reach a log or a message.
 */
import { EngineError } from '../../engine/errors';
import type { S3CredentialsParams } from '../../helper-protocol/protocol';
import { readSecretFile } from '../settings/secret-file';

const names = {
  AWS_ACCESS_KEY_ID: 'accessKeyId',
  AWS_SECRET_ACCESS_KEY: 'secretAccessKey',
  AWS_SESSION_TOKEN: 'sessionToken',
} as const;

/**
 * The keys in a credentials file's text; null when the access key ID or the secret is missing. Unknown variables
 * (AWS_REGION and the like) are ignored, so a file written for the AWS CLI's environment works as it is.
 */
export function parseS3CredentialsFile(text: string): S3CredentialsParams | null {
  const found: Partial<Record<(typeof names)[keyof typeof names], string>> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals < 0) continue;
    const name = line.slice(0, equals).trim();
    if (!(name in names)) continue;
    let value = line.slice(equals + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
      value = value.slice(1, -1);
    if (value !== '') found[names[name as keyof typeof names]] = value;
  }
  const { accessKeyId, secretAccessKey, sessionToken } = found;
  if (accessKeyId === undefined || secretAccessKey === undefined) return null;
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

/**
 * The keys a session uses: the ones handed over with it, else the credentials file of the settings, else the
 * helper's environment. AUTH_FAILED (the helper has nothing to log in with) names where it looked.
 */
export async function resolveS3Credentials(options: {
  handedOver?: S3CredentialsParams;
  credentialsFile: string | null;
  env: NodeJS.ProcessEnv;
  testMode: boolean;
}): Promise<S3CredentialsParams> {
  if (options.handedOver) return options.handedOver;
  const file = options.credentialsFile;
  if (file) {
    const result = await readSecretFile(file, { testMode: options.testMode });
    if (!result.ok)
      throw new EngineError('AUTH_FAILED', `S3 credentials file (s3CredentialsFile): ${result.problem}`);
    const credentials = parseS3CredentialsFile(result.contents.toString('utf8'));
    if (credentials === null)
      throw new EngineError(
        'AUTH_FAILED',
        `S3 credentials file ${file} has no AWS_ACCESS_KEY_ID= and AWS_SECRET_ACCESS_KEY= lines`,
      );
    return credentials;
  }
  const fromEnv = parseS3CredentialsFile(
    Object.keys(names)
      .map((name) => `${name}=${options.env[name] ?? ''}`)
      .join('\n'),
  );
  if (fromEnv !== null) return fromEnv;
  throw new EngineError(
    'AUTH_FAILED',
    'no S3 access keys: remember them in the app, or set an S3 credentials file (mode 0600) in the helper settings',
  );
}
