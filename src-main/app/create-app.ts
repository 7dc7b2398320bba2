/**
 * Builds the real application service (real probes, this machine, the live helper link) for either transport.
 */
import si from 'systeminformation';
import { version } from '../../package.json';
import { HelperConnection } from '../helper-client/helper-connection';
import type { AppInfo } from '../ipc/contract';
import { type AppService, createAppService } from './app-service';
import { helperEndpointFromEnv, helperStatusSource } from './helper-status';
import { collectSystemOverview, systemMountFor } from './system-overview';

export function createRealAppService(mode: AppInfo['mode']): AppService {
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
