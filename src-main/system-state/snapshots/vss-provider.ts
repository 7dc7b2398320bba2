/**
 * VSS shadow copies on Windows. Created through WMI (`Win32_ShadowCopy.Create`, the documented way on client and
 * server editions — `vssadmin create shadow` exists only on servers), listed and deleted with vssadmin; the
 * shadow copy storage is first placed on the snapshot location's drive (vss-shadow-storage.ts). Shadow
 * copies carry no free-form tag, so the session id is kept in a small ledger file under the snapshot location;
 * the orphan sweep reads the ledgers. Volume letters and shadow ids are validated before they enter the
 * PowerShell command text, the one place where a command string cannot be avoided.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CommandRunner } from '../command-runner/command-runner';
import { describeResult, succeeded } from '../command-runner/command-runner';
import { assertSessionId, fromNodeError, SystemStateError } from '../errors';
import { powershellArgv } from '../platform/windows/powershell-command';
import { parsePowerShellList } from '../platform/windows/powershell-objects';
import { parseVssShadows } from '../platform/windows/vssadmin-shadows';
import type { Availability, SnapshotHandle, SnapshotProvider, SnapshotRequest } from './snapshot-provider';
import { locationFolderName, snapshotNamePrefix } from './snapshot-provider';
import { placeShadowStorage, shadowStorageMaxSize } from './vss-shadow-storage';

const guid = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;
const ledgerSchema = z.object({
  sessionId: z.string(),
  shadowId: z.string().regex(guid),
  volume: z.string(),
  createdAt: z.string(),
});

/** Win32_ShadowCopy.Create return values (Microsoft's documentation of the method). */
const createErrors: Record<number, string> = {
  1: 'access denied',
  2: 'invalid argument',
  3: 'the volume was not found',
  4: 'the volume is not supported',
  5: 'unsupported shadow copy context',
  6: 'insufficient storage',
  7: 'the volume is in use',
  8: 'maximum number of shadow copies reached',
  9: 'another shadow copy operation is in progress',
  10: 'the shadow copy provider vetoed the operation',
  11: 'the shadow copy provider is not registered',
  12: 'shadow copy provider failure',
  13: 'unknown error',
};

export function createShadowScript(volume: string): string {
  return `(Get-WmiObject -List Win32_ShadowCopy).Create("${normalizeVolume(volume)}","ClientAccessible")`;
}

export function normalizeVolume(volume: string): string {
  const m = /^([A-Za-z]):\\?$/.exec(volume);
  if (!m)
    throw new SystemStateError('INVALID_ARGUMENT', `not a volume like C:\\ : ${JSON.stringify(volume)}`);
  return `${(m[1] as string).toUpperCase()}:\\`;
}

export class VssProvider implements SnapshotProvider {
  readonly kind = 'vss' as const;

  constructor(private readonly runner: CommandRunner) {}

  static ledgerFolder(location: string): string {
    return path.join(location, locationFolderName, 'snapshots');
  }

  async create(request: SnapshotRequest): Promise<SnapshotHandle> {
    assertSessionId(request.sessionId);
    const volume = normalizeVolume(request.source);
    // The snapshot location's drive receives the shadow copy storage (a location given as a Windows path).
    const locationDrive = /^([A-Za-z]):\\/.exec(request.location)?.[1];
    const warnings = locationDrive
      ? await placeShadowStorage(
          this.runner,
          volume,
          `${locationDrive.toUpperCase()}:`,
          shadowStorageMaxSize(request.estimateBytes),
        )
      : [];
    const created = await this.runner.run({
      argv: powershellArgv(createShadowScript(volume)),
      timeoutMs: 600_000,
    });
    if (created.kind === 'missing') throw new SystemStateError('TOOL_MISSING', describeResult(created));
    if (!succeeded(created)) throw new SystemStateError('SNAPSHOT_FAILED', describeResult(created, 2000));
    const result = parsePowerShellList(created.stdout).find((r) => 'ReturnValue' in r);
    const returnValue = Number(result?.ReturnValue ?? Number.NaN);
    if (returnValue !== 0) {
      const reason = createErrors[returnValue] ?? `unexpected output: ${created.stdout.trim().slice(0, 300)}`;
      throw new SystemStateError(
        returnValue === 6 ? 'INSUFFICIENT_SPACE' : 'SNAPSHOT_FAILED',
        `Win32_ShadowCopy.Create on ${volume} returned ${Number.isNaN(returnValue) ? '?' : returnValue}: ${reason}`,
      );
    }
    const shadowId = result?.ShadowID ?? '';
    if (!guid.test(shadowId))
      throw new SystemStateError('UNEXPECTED_OUTPUT', `no ShadowID in: ${created.stdout.slice(0, 300)}`);
    const createdAt = new Date().toISOString();
    const folder = VssProvider.ledgerFolder(request.location);
    try {
      await mkdir(folder, { recursive: true });
      await writeFile(
        path.join(folder, `${snapshotNamePrefix}${request.sessionId}.vss.json`),
        JSON.stringify({ sessionId: request.sessionId, shadowId, volume, createdAt }),
      );
    } catch (error) {
      // Without its ledger the shadow copy would escape the orphan sweep: delete it and fail.
      await this.deleteShadow(shadowId);
      throw fromNodeError(error, `recording the shadow copy in ${folder}`);
    }
    const device = (await this.findShadow(shadowId))?.device;
    if (device === undefined)
      throw new SystemStateError(
        'SNAPSHOT_UNAVAILABLE',
        `shadow copy ${shadowId} vanished right after creation`,
      );
    return {
      provider: 'vss',
      sessionId: request.sessionId,
      id: shadowId,
      source: volume,
      location: request.location,
      path: `${device}\\`,
      createdAt,
      warnings,
    };
  }

  async isAvailable(handle: SnapshotHandle): Promise<Availability> {
    const shadow = await this.findShadow(handle.id);
    return shadow
      ? {
          available: true,
          evidence: [`shadow copy ${handle.id} of ${shadow.originalVolume} present at ${shadow.device}`],
        }
      : {
          available: false,
          evidence: [`shadow copy ${handle.id} is no longer listed by vssadmin list shadows`],
        };
  }

  async delete(handle: SnapshotHandle): Promise<void> {
    if (await this.findShadow(handle.id)) await this.deleteShadow(handle.id);
    // The ledger goes last: if deleting the shadow failed, the next sweep still finds it.
    const ledger = path.join(
      VssProvider.ledgerFolder(handle.location),
      `${snapshotNamePrefix}${handle.sessionId}.vss.json`,
    );
    await rm(ledger, { force: true }).catch((error: unknown) => {
      throw fromNodeError(error, `removing ${ledger}`);
    });
  }

  async list(location: string): Promise<SnapshotHandle[]> {
    const folder = VssProvider.ledgerFolder(location);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromNodeError(error, `listing ${folder}`);
    }
    const handles: SnapshotHandle[] = [];
    for (const name of names.filter((n) => n.endsWith('.vss.json'))) {
      const ledger = ledgerSchema.safeParse(JSON.parse(await readFile(path.join(folder, name), 'utf8')));
      if (!ledger.success) throw new SystemStateError('UNEXPECTED_OUTPUT', `unreadable ledger ${name}`);
      handles.push({
        provider: 'vss',
        sessionId: ledger.data.sessionId,
        id: ledger.data.shadowId,
        source: ledger.data.volume,
        location,
        path: '',
        createdAt: ledger.data.createdAt,
        warnings: [],
      });
    }
    return handles;
  }

  private async findShadow(shadowId: string) {
    const listed = await this.runner.run({ argv: ['vssadmin', 'list', 'shadows'] });
    if (!succeeded(listed)) throw new SystemStateError('VSS_UNAVAILABLE', describeResult(listed));
    return parseVssShadows(listed.stdout).find((s) => s.id === shadowId.toLowerCase());
  }

  private async deleteShadow(shadowId: string): Promise<void> {
    if (!guid.test(shadowId))
      throw new SystemStateError('INVALID_ARGUMENT', `not a shadow copy id: ${shadowId}`);
    const deleted = await this.runner.run({
      argv: ['vssadmin', 'delete', 'shadows', `/shadow=${shadowId}`, '/quiet'],
    });
    if (!succeeded(deleted)) throw new SystemStateError('SNAPSHOT_FAILED', describeResult(deleted));
  }
}
