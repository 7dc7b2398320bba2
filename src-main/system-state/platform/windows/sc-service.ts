/**
 * Parses `sc query NAME` (state) and `sc qc NAME` (start type) of the Windows service control tool. Both print
 * `KEY : number  TEXT` lines; the numbers are language-independent (STATE 4 = RUNNING, START_TYPE 2 = AUTO_START).
 */
import { consoleLines } from './console-text';

export interface ScQuery {
  serviceName: string;
  stateNumber: number;
  stateText: string;
  win32ExitCode: number | null;
}

export interface ScConfig {
  serviceName: string;
  startTypeNumber: number;
  startTypeText: string;
  displayName: string | null;
  binaryPath: string | null;
}

function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of consoleLines(text)) {
    const m = /^\s*([A-Z_0-9]+)\s*:\s*(.*)$/.exec(line);
    if (m && !map.has(m[1] as string)) map.set(m[1] as string, (m[2] as string).trim());
  }
  return map;
}

export function parseScQuery(text: string): ScQuery | null {
  const f = fields(text);
  const state = /^(\d+)\s+(\S+)/.exec(f.get('STATE') ?? '');
  const name = f.get('SERVICE_NAME');
  if (!state || name === undefined) return null;
  const exit = /^(\d+)/.exec(f.get('WIN32_EXIT_CODE') ?? '');
  return {
    serviceName: name,
    stateNumber: Number(state[1]),
    stateText: state[2] as string,
    win32ExitCode: exit ? Number(exit[1]) : null,
  };
}

export function parseScConfig(text: string): ScConfig | null {
  const f = fields(text);
  const start = /^(\d+)\s+(\S+)/.exec(f.get('START_TYPE') ?? '');
  const name = f.get('SERVICE_NAME');
  if (!start || name === undefined) return null;
  return {
    serviceName: name,
    startTypeNumber: Number(start[1]),
    startTypeText: start[2] as string,
    displayName: f.get('DISPLAY_NAME') || null,
    binaryPath: f.get('BINARY_PATH_NAME') || null,
  };
}

export const serviceRunning = 4;
/** AUTO_START; delayed auto start also reports 2 here (sc qc adds "(DELAYED)"). */
export const startAutomatic = 2;
