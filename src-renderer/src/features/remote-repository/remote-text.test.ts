import { describe, expect, it } from 'vitest';
import { fingerprintCommand, hostAndPort, hostKeyStatusViews, remoteErrorHint } from './remote-text';

describe('remote repository words', () => {
  it('says every host key status in words, with an icon, and only trusted keys read as fine', () => {
    expect(hostKeyStatusViews.trusted).toMatchObject({ label: 'Trusted', tone: 'ok' });
    expect(hostKeyStatusViews['known-host']).toMatchObject({ label: 'Known host', tone: 'ok' });
    expect(hostKeyStatusViews.unknown).toMatchObject({ label: 'Not trusted yet', tone: 'warn' });
    expect(hostKeyStatusViews.changed).toMatchObject({ label: 'Changed', tone: 'error' });
    expect(hostKeyStatusViews.changed.explanation).toContain('refuses to connect');
  });

  it('names the server’s own key file of the same type for ssh-keygen -lf', () => {
    expect(fingerprintCommand('ssh-ed25519')).toBe('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(fingerprintCommand('ecdsa-sha2-nistp256')).toBe('ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub');
    expect(fingerprintCommand('rsa-sha2-512')).toBe('ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
    expect(fingerprintCommand('ssh-rsa')).toBe('ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
  });

  it('writes host and port as ssh does, IPv6 in brackets', () => {
    expect(hostAndPort('127.0.0.1', 2222)).toBe('127.0.0.1:2222');
    expect(hostAndPort('2001:db8::1', 22)).toBe('[2001:db8::1]:22');
  });

  it('has words for each remote error code and none for the others', () => {
    expect(remoteErrorHint('REPO_UNREACHABLE')).toMatch(/could not be reached/);
    expect(remoteErrorHint('AUTH_FAILED')).toMatch(/authorized_keys/);
    expect(remoteErrorHint('HOST_KEY_MISMATCH')).toMatch(/Compare its fingerprint/);
    expect(remoteErrorHint('QUOTA_EXCEEDED')).toMatch(/quota/);
    expect(remoteErrorHint('WRONG_PASSWORD')).toBeNull();
  });
});
