/**
 * What the Windows restore plan reads from the session's recorded outputs: `systeminfo` (is the machine a domain
 * controller, a domain member, which domain) and `bcdedit /enum all` (the firmware Windows booted with). systeminfo
 * labels are English only; a localized output leaves the facts unknown rather than guessed.
 */
import type { MachineManifest } from '../manifest/machine-manifest';
import { consoleLines, isPromptLine } from '../platform/windows/console-text';
import { bootModeFromBcdedit } from '../platform/windows/windows-inventory';

export interface SysteminfoFacts {
  hostName: string | null;
  osName: string | null;
  /** `OS Configuration`: Standalone/Member Workstation or Server, Primary/Backup Domain Controller. */
  osConfiguration: string | null;
  domain: string | null;
}

export function parseSysteminfo(text: string): SysteminfoFacts {
  const fields = new Map<string, string>();
  for (const raw of consoleLines(text)) {
    // CI logs (GitHub Actions) put an ISO timestamp before each line; consoleLines knows other prefixes only.
    const line = raw.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z /, '');
    if (isPromptLine(line)) continue;
    const match = /^(Host Name|OS Name|OS Configuration|Domain):\s*(.*?)\s*$/.exec(line);
    if (match && !fields.has(match[1] as string)) fields.set(match[1] as string, match[2] as string);
  }
  const get = (label: string) => fields.get(label) || null;
  return {
    hostName: get('Host Name'),
    osName: get('OS Name'),
    osConfiguration: get('OS Configuration'),
    domain: get('Domain'),
  };
}

export type DomainRole = 'domain-controller' | 'member' | 'standalone' | 'unknown';

export function domainRoleOf(facts: SysteminfoFacts | null): DomainRole {
  const configuration = facts?.osConfiguration ?? '';
  if (/domain controller/i.test(configuration)) return 'domain-controller';
  if (/^member /i.test(configuration)) return 'member';
  if (/^standalone /i.test(configuration)) return 'standalone';
  return 'unknown';
}

/** The boot mode of the manifest, else what the recorded bcdedit shows (its loaders are .efi or .exe files). */
export function windowsBootMode(
  manifest: MachineManifest,
  bcdeditEnum: string | undefined,
): 'uefi' | 'bios' | 'unknown' {
  if (manifest.bootMode !== 'unknown') return manifest.bootMode;
  return bcdeditEnum === undefined ? 'unknown' : bootModeFromBcdedit(bcdeditEnum);
}
