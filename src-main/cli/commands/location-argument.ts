/**
 * A repository location typed on the command line for the helper: a remote one (sftp:, s3:) is passed on as
 * written, for the helper to parse and check; a local one is made absolute here, where the relative path means
 * something (the helper's working directory is not the user's).
 */
import path from 'node:path';

export function locationArgument(text: string): string {
  return /^(sftp|s3):/.test(text) ? text : path.resolve(text.startsWith('local:') ? text.slice(6) : text);
}

/**
 * The S3 keys of the CLI's environment, to hand to the helper with a request about an S3 repository (as the app
 * hands over the ones it remembered); undefined for other repositories or without both keys in the environment.
 */
export function s3KeysToHandOver(
  repository: string | undefined,
  env: NodeJS.ProcessEnv,
): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  if (!repository?.startsWith('s3:')) return undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}
