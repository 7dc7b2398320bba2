/**
 * The Windows export plan: registry hives with `reg save` (a consistent copy while Windows runs), the BCD store
 * with `bcdedit /export`, the disk list with `diskpart` (`list disk` on standard input), and — on domain
 * controllers — the Active Directory database, which is not exported by a tool but copied from the shadow copy
 * (NTDS.dit and its logs are consistent there thanks to the NTDS writer).
 */
import { SystemStateError } from '../errors';
import type { ExportStep } from './export-plan';

export const registryHives = [
  { key: 'HKLM\\SYSTEM', file: 'SYSTEM' },
  { key: 'HKLM\\SOFTWARE', file: 'SOFTWARE' },
  { key: 'HKLM\\SAM', file: 'SAM' },
  { key: 'HKLM\\SECURITY', file: 'SECURITY' },
  { key: 'HKU\\.DEFAULT', file: 'DEFAULT' },
] as const;

export function windowsExportPlan(stagingDir: string): ExportStep[] {
  if (!/^[A-Za-z]:\\/.test(stagingDir))
    throw new SystemStateError('INVALID_ARGUMENT', `staging folder must be a Windows path: ${stagingDir}`);
  const dir = stagingDir.replace(/\\+$/, '');
  return [
    ...registryHives.map(
      (hive): ExportStep => ({
        id: `reg-save-${hive.file.toLowerCase()}`,
        componentId: 'windows.registry',
        argv: ['reg', 'save', hive.key, `${dir}\\registry\\${hive.file}`, '/y'],
        stdoutFile: null,
        writes: [`registry\\${hive.file}`],
        timeoutMs: 300_000,
      }),
    ),
    {
      id: 'bcdedit-export',
      componentId: 'windows.boot',
      argv: ['bcdedit', '/export', `${dir}\\boot\\BCD`],
      stdoutFile: null,
      writes: ['boot\\BCD'],
    },
    {
      id: 'bcdedit-enum',
      componentId: 'windows.boot',
      argv: ['bcdedit', '/enum', 'all', '/v'],
      stdoutFile: 'boot\\bcdedit-enum-all.txt',
    },
    {
      // The restore wizard's 2 TB rule and disk sizes read it (dynamic disks, partition style, free space), in
      // the same form the preflight probe reads live (preflight/disk-layout-probe.ts).
      id: 'diskpart-list-disk',
      componentId: 'windows.disk-layout',
      argv: ['diskpart'],
      input: 'list disk\nexit\n',
      stdoutFile: 'disk-layout\\diskpart-list-disk.txt',
      timeoutMs: 60_000,
    },
  ];
}

/** Files of the Active Directory database to copy from the shadow copy (paths relative to the volume root). */
export function ntdsFilesFromShadow(
  shadowRoot: string,
  ntdsFolder = 'Windows\\NTDS',
): { from: string; to: string }[] {
  const root = shadowRoot.replace(/\\+$/, '');
  return ['ntds.dit', 'edb.chk', 'edb.log'].map((file) => ({
    from: `${root}\\${ntdsFolder}\\${file}`,
    to: `active-directory\\${file}`,
  }));
}
