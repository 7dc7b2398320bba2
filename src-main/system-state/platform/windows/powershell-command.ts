/**
 * How System state runs a PowerShell pipeline: Windows PowerShell 5.1 (`powershell.exe`, present on every
 * supported Windows, unlike `pwsh`), without the user's profile (it could print or change anything) and without
 * prompts. The script is one argv element handed to PowerShell as is; callers only pass fixed text or values
 * they validated first.
 */
import type { Argv } from '../../command-runner/command-runner';

export function powershellArgv(script: string): Argv {
  return ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command', script];
}
