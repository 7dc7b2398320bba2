/**
 * Parses `vssadmin list writers` (English and French UIs, banners, the "Waiting for responses" preamble, flattened
 * indentation, script time stamps, truncated listings) into writers with their state and last error, or the
 * tool's own error when it could not list them. The state number is the same in every language
 * (VSS_WRITER_STATE: 1 = Stable), so decisions use the number; the text is kept for the evidence.
 */
import { consoleLines } from './console-text';

export interface VssWriter {
  name: string;
  writerId: string | null;
  instanceId: string | null;
  /** VSS_WRITER_STATE number, or null when the listing was cut before the state line. */
  stateNumber: number | null;
  stateText: string | null;
  lastError: string | null;
}

export interface VssWriterListing {
  writers: VssWriter[];
  /** `Error: …` lines printed instead of (or besides) the listing. */
  errors: string[];
}

/** Labels per UI language, matched case-insensitively at the start of a trimmed line. */
const labels = {
  name: ['writer name', 'nom du rédacteur'],
  instanceId: ['writer instance id', 'id de l’instance du rédacteur', "id de l'instance du rédacteur"],
  writerId: ['writer id', 'id du rédacteur'],
  state: ['state', 'état'],
  lastError: ['last error', 'dernière erreur'],
} as const;

/** "No error" in the languages whose vssadmin output we know; anything else is an error text. */
const noErrorTexts = new Set(['no error', 'aucune erreur']);

export function parseVssWriters(text: string): VssWriterListing {
  const listing: VssWriterListing = { writers: [], errors: [] };
  let current: VssWriter | null = null;
  for (const raw of consoleLines(text)) {
    const line = raw.trim();
    const error = /^(?:Error|Erreur)\s*:\s*(.+)$/.exec(line);
    if (error) {
      listing.errors.push(error[1] as string);
      continue;
    }
    const field = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!field) continue;
    const label = (field[1] as string).toLowerCase().normalize('NFC');
    const value = (field[2] as string).trim();
    if (current === null && !matches(label, labels.name)) continue; // banner lines before the first writer
    if (matches(label, labels.name)) {
      current = {
        name: value.replace(/^'(.*)'$/, '$1'),
        writerId: null,
        instanceId: null,
        stateNumber: null,
        stateText: null,
        lastError: null,
      };
      listing.writers.push(current);
    } else if (current === null) continue;
    else if (matches(label, labels.instanceId)) current.instanceId = value;
    else if (matches(label, labels.writerId)) current.writerId = value;
    else if (matches(label, labels.state)) {
      const state = /^\[(\d+)\]\s*(.*)$/.exec(value);
      current.stateNumber = state ? Number(state[1]) : null;
      current.stateText = state ? (state[2] as string) : value;
    } else if (matches(label, labels.lastError)) current.lastError = value;
  }
  return listing;
}

function matches(label: string, names: readonly string[]): boolean {
  return names.some((name) => label === name);
}

/** Stable (state 1) with no error. A writer cut off before its state line is not known to be stable. */
export function isWriterHealthy(writer: VssWriter): boolean {
  return writer.stateNumber === 1 && !hasLastError(writer);
}

export function hasLastError(writer: VssWriter): boolean {
  return writer.lastError !== null && !noErrorTexts.has(writer.lastError.toLowerCase());
}

/** Writers without which System state cannot be captured (wbadmin fails with "System writer is not found"). */
export const requiredWriters = ['System Writer', 'Registry Writer'] as const;
