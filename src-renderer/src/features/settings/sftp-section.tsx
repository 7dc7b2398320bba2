import { HostKeyPanel } from '../remote-repository/host-key-panel';
import { type HostKeyStoreApi, useHostKey } from '../remote-repository/host-key-store';
import { PathSettingForm } from './path-setting-form';
import type { Change } from './settings-store';

export interface SshKeySectionProps {
  sshKeyFile: string | null;
  input: string;
  change: Change;
  onInput(value: string): void;
  onSave(): void;
}

/** The private key the helper logs in to the SFTP server with: a root-owned 0600 file without a passphrase. */
export function SshKeySection({ sshKeyFile, input, change, onInput, onSave }: SshKeySectionProps) {
  return (
    <section className="card" aria-labelledby="settings-ssh-key-title" data-testid="ssh-key-section">
      <h3 id="settings-ssh-key-title">SSH key file for the helper</h3>
      <p>
        The helper logs in to the SFTP server with a private key of its own, read from a file. Sessions run
        with nobody there to type a passphrase, so the key has none; only root may read the file: owned by
        root with mode 0600. The helper checks this and refuses any other file.
      </p>
      <dl className="facts settings-facts">
        <div className="fact">
          <dt>Current SSH key file</dt>
          <dd className="mono" data-testid="current-ssh-key-file">
            {sshKeyFile ?? "None: the helper tries root's default keys and ssh-agent"}
          </dd>
        </div>
      </dl>
      <PathSettingForm
        id="ssh-key-file"
        formLabel="Set the SSH key file"
        label="Path of the SSH key file"
        placeholder="/etc/backup-manager/ssh_key"
        input={input}
        change={change}
        button="Use this key file"
        onInput={onInput}
        onSave={onSave}
        hint={
          <p>
            To make one:{' '}
            <span className="mono">sudo ssh-keygen -t ed25519 -N '' -f /etc/backup-manager/ssh_key</span>,
            then add the line of <span className="mono">/etc/backup-manager/ssh_key.pub</span> to the server’s{' '}
            <span className="mono">~/.ssh/authorized_keys</span> of the repository’s user.
          </p>
        }
      />
    </section>
  );
}

/** The server's host key, compared and trusted here before any session connects (host-key-panel.tsx). */
export function HostKeySection({ store }: { store: HostKeyStoreApi }) {
  const idle = useHostKey(store, (s) => s.lookup.status === 'idle');
  if (idle) return null;
  return (
    <section className="card" aria-labelledby="host-key-title" data-testid="host-key-section">
      <HostKeyPanel store={store} heading="h3" />
    </section>
  );
}
