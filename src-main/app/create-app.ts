/**
 * Builds the real application service (real probes, this machine) for either transport.
 */
import si from 'systeminformation';
import { version } from '../../package.json';
import type { AppInfo } from '../ipc/contract';
import { type AppService, createAppService } from './app-service';
import { collectSystemOverview, systemMountFor } from './system-overview';

export function createRealAppService(mode: AppInfo['mode']): AppService {
  return createAppService({
    info: { version, mode },
    collectOverview: () =>
      collectSystemOverview(
        { osInfo: () => si.osInfo(), fsSize: () => si.fsSize() },
        { systemMount: systemMountFor(process.platform, process.env), now: new Date() },
      ),
  });
}
