/**
 * Detects the Windows System state components. Roles are recognised by their data on disk (NTDS.dit, SYSVOL,
 * CertLog, inetsrv\config, CLUSDB) and by the operating system's product type (2 = domain controller); boot and
 * disk layout come from bcdedit and diskpart through the CommandRunner. `systemDrive` is `C:\` on a real
 * machine; tests point it at a folder laid out like one.
 */
import path from 'node:path';
import type { DetectedComponent, SizeEstimate } from '../../catalog/component';
import { addEstimates } from '../../catalog/component';
import { measureTree } from '../../catalog/tree-size';
import type { CommandRunner } from '../../command-runner/command-runner';
import { describeResult, succeeded } from '../../command-runner/command-runner';
import { formatBytes } from '../../format-bytes';
import { parseDiskpartDisks } from './diskpart';
import { windowsComponentDefinitions } from './windows-component-definitions';
import { bootManagerOf, bootModeFromBcdedit } from './windows-inventory';
import { readWindowsOsInfo } from './windows-os-info';

export const bcdeditEnumArgv = ['bcdedit', '/enum', 'all'] as const;
export const diskpartListInput = 'list disk\nlist volume\nexit\n';

type Detection = Pick<DetectedComponent, 'detected' | 'evidence' | 'estimate' | 'paths'>;

export async function detectWindowsComponents(input: {
  runner: CommandRunner;
  systemDrive: string;
}): Promise<DetectedComponent[]> {
  const { runner, systemDrive } = input;
  const win = (...parts: string[]) => path.join(systemDrive, 'Windows', ...parts);
  const os = await readWindowsOsInfo(runner);
  const domainController = os.info?.productType === 2;

  const measure = async (
    paths: string[],
  ): Promise<{ found: string[]; evidence: string[]; estimate: SizeEstimate }> => {
    const found: string[] = [];
    const evidence: string[] = [];
    const estimates: SizeEstimate[] = [];
    for (const p of paths) {
      const size = await measureTree(p);
      if (!size.exists) {
        evidence.push(`${p}: absent`);
        continue;
      }
      found.push(p);
      estimates.push(size);
      evidence.push(`${p}: ${size.files} files, ${formatBytes(size.bytes)}`);
      if (size.unreadableCount > 0)
        evidence.push(`${p}: ${size.unreadableCount} entries unreadable (in use: read from the shadow copy)`);
    }
    return { found, evidence, estimate: addEstimates(estimates) };
  };
  const byFiles = async (paths: string[], extra: string[] = []): Promise<Detection> => {
    const m = await measure(paths);
    return {
      detected: m.found.length > 0,
      evidence: [...extra, ...m.evidence],
      estimate: m.estimate,
      paths: m.found,
    };
  };

  const detections: Record<(typeof windowsComponentDefinitions)[number]['id'], () => Promise<Detection>> = {
    'windows.registry': async () => {
      const hives = ['SYSTEM', 'SOFTWARE', 'SAM', 'SECURITY', 'DEFAULT'].map((h) =>
        win('System32', 'config', h),
      );
      return byFiles(hives, [`operating system: ${os.evidence}`]);
    },
    'windows.boot': async () => {
      const bcd = await runner.run({ argv: bcdeditEnumArgv, timeoutMs: 60_000 });
      const entries = succeeded(bcd)
        ? (bcd.stdout.match(/^(identifier|标识符|Bezeichner|identificateur)\s/gim)?.length ?? 0)
        : 0;
      const m = await measure([win('Boot')]);
      return {
        detected: entries > 0 || m.found.length > 0,
        evidence: [
          succeeded(bcd) ? `bcdedit: ${entries} boot entries` : `bcdedit: ${describeResult(bcd)}`,
          ...(succeeded(bcd) ? bootManagerEvidence(bcd.stdout) : []),
          ...m.evidence,
        ],
        estimate: addEstimates([m.estimate, { bytes: 64 * 1024, files: 1 }]),
        paths: m.found,
      };
    },
    'windows.com-plus': async () => byFiles([win('Registration')]),
    'windows.disk-layout': async () => {
      const listed = await runner.run({ argv: ['diskpart'], input: diskpartListInput, timeoutMs: 60_000 });
      if (!succeeded(listed))
        return {
          detected: false,
          evidence: [`diskpart: ${describeResult(listed)}`],
          estimate: { bytes: 0, files: 0 },
          paths: [],
        };
      const disks = parseDiskpartDisks(listed.stdout);
      return {
        detected: disks.length > 0,
        evidence: disks.map(
          (d) =>
            `Disk ${d.number}: ${d.status}, ${formatBytes(d.sizeBytes)}, ${d.dynamic ? 'dynamic' : 'basic'}, ${d.gpt ? 'GPT' : 'MBR'}`,
        ),
        estimate: { bytes: 16 * 1024, files: 1 },
        paths: [],
      };
    },
    'windows.sysvol': async () => {
      const d = await byFiles([win('SYSVOL')]);
      return {
        ...d,
        detected: d.detected && domainController,
        evidence: [
          domainController ? 'domain controller (ProductType 2)' : 'not a domain controller',
          ...d.evidence,
        ],
      };
    },
    'windows.active-directory': async () => {
      const d = await byFiles([win('NTDS')]);
      return {
        ...d,
        detected: d.detected && domainController,
        evidence: [
          domainController ? 'domain controller (ProductType 2)' : 'not a domain controller',
          ...d.evidence,
        ],
      };
    },
    'windows.certificate-services': async () => byFiles([win('System32', 'CertLog')]),
    'windows.iis': async () => byFiles([win('System32', 'inetsrv', 'config')]),
    'windows.cluster': async () => byFiles([win('Cluster', 'CLUSDB')]),
  };
  const components: DetectedComponent[] = [];
  for (const definition of windowsComponentDefinitions)
    components.push({ ...definition, ...(await detections[definition.id]()) });
  return components;
}

/** Where the boot manager is: on UEFI, the EFI System Partition whose files the boot component covers. */
function bootManagerEvidence(bcdedit: string): string[] {
  const manager = bootManagerOf(bcdedit);
  if (manager === null) return ['bcdedit: no Windows Boot Manager entry'];
  const where = `${manager.device ?? 'unknown device'}${manager.path ? `, ${manager.path}` : ''}`;
  return bootModeFromBcdedit(bcdedit) === 'uefi'
    ? [`UEFI: boot manager on the EFI System Partition (${where})`]
    : [`BIOS: boot manager on ${where}`];
}
