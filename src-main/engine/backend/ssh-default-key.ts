/**
 * The private key OpenSSH's client would try first when none is named: ~/.ssh/id_ed25519, then id_ecdsa, then
 * id_rsa (the order of ssh's default IdentityFile list, DSA left out as OpenSSH does now).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export function defaultSshKeyFile(home: string = homedir()): string | undefined {
  const dir = path.join(home, '.ssh');
  return ['id_ed25519', 'id_ecdsa', 'id_rsa']
    .map((name) => path.join(dir, name))
    .find((file) => existsSync(file));
}
