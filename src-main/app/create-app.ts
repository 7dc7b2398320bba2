/**
 * Builds the real application service (real probes, this machine, the live helper link) for either transport.
 */
import si from 'systeminformation';
import { version } from '../../package.json';
import { HelperConnection } from '../helper-client/helper-connection';
import type { AppInfo } from '../ipc/contract';
import { type AppService, createAppService } from './app-service';
import { helperEndpointFromEnv, helperStatusSource } from './helper-status';
import type { RepositorySecrets } from './repository-secrets';
import { collectSystemOverview, systemMountFor } from './system-overview';

/**
 * `secrets`: where repository passwords are remembered (Electron: encrypted with safeStorage). The console passes
 * none: its page is a browser tab, which must never hold the password at rest.
 */
export function createRealAppService(mode: AppInfo['mode'], secrets?: RepositorySecrets): AppService {
  // Keeps reconnecting with backoff, so a helper installed or restarted while the app runs is picked up.
  const helper = new HelperConnection({
    ...helperEndpointFromEnv(process.env),
    clientName: `backup-manager-${mode} ${version}`,
  });
  const service = createAppService({
    info: { version, mode },
    collectOverview: () =>
      collectSystemOverview(
        { osInfo: () => si.osInfo(), fsSize: () => si.fsSize() },
        { systemMount: systemMountFor(process.platform, process.env), now: new Date() },
      ),
    helper: helperStatusSource(helper),
    helperRequests: () => helper.current(),
    helperNotifications: helper,
    secrets,
  });
  helper.start();
  return {
    ...service,
    dispose() {
      service.dispose();
      helper.stop();
    },
  };
}
