import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { parseS3CredentialsFile, resolveS3Credentials } from './s3-credentials';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('s3-credentials');
});
afterAll(() => removeTempDir(dir));

describe('S3 credentials for sessions nobody hands keys to', () => {
  it('reads the shell-variable form, exported or quoted, ignoring comments and other variables', () => {
    expect(
      parseS3CredentialsFile(
        '# keys for the backup bucket\nexport AWS_ACCESS_KEY_ID="AKIA1"\nAWS_REGION=eu-west-1\n' +
          "AWS_SECRET_ACCESS_KEY='s3cr=t'\r\nAWS_SESSION_TOKEN=tok\n",
      ),
    ).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 's3cr=t', sessionToken: 'tok' });
    expect(parseS3CredentialsFile('AWS_ACCESS_KEY_ID=AKIA1\n')).toBeNull();
    expect(parseS3CredentialsFile('AWS_ACCESS_KEY_ID=\nAWS_SECRET_ACCESS_KEY=x\n')).toBeNull();
  });

  it('prefers keys handed over, then the 0600 file, then the environment; says where it looked', async () => {
    const file = path.join(dir, 'keys');
    await writeFile(file, 'AWS_ACCESS_KEY_ID=FROMFILE\nAWS_SECRET_ACCESS_KEY=filesecret\n');
    await chmod(file, 0o600);
    const env = { AWS_ACCESS_KEY_ID: 'FROMENV', AWS_SECRET_ACCESS_KEY: 'envsecret' };
    const handedOver = { accessKeyId: 'HANDED', secretAccessKey: 'handedsecret' };
    const resolve = (options: Partial<Parameters<typeof resolveS3Credentials>[0]>) =>
      resolveS3Credentials({ credentialsFile: null, env: {}, testMode: true, ...options });
    expect(await resolve({ handedOver, credentialsFile: file, env })).toEqual(handedOver);
    expect((await resolve({ credentialsFile: file, env })).accessKeyId).toBe('FROMFILE');
    expect((await resolve({ env })).accessKeyId).toBe('FROMENV');
    const none = await resolve({}).catch((error: unknown) => error);
    expect(none).toMatchObject({ code: 'AUTH_FAILED' });

    // A file others can read is refused, and the message never quotes its contents.
    await chmod(file, 0o644);
    const loose = await resolve({ credentialsFile: file, env }).catch((error: unknown) => error);
    expect(loose).toMatchObject({ code: 'AUTH_FAILED' });
    expect((loose as Error).message).toContain('chmod 600');
    expect((loose as Error).message).not.toContain('filesecret');
  });
});
