/**
 * Reads PowerShell's default formatting of objects — the list view (`Name : value`, records separated by blank
 * lines, long values wrapped onto indented continuation lines) and the table view (a header, a dashed underline
 * giving the column widths, rows) — into records of strings. Commands we run ask for the list view
 * (`Format-List`), which never truncates values; the table reader exists for recorded outputs and `Get-Service`.
 */
import { consoleLines, isPromptLine } from './console-text';

export type PsRecord = Record<string, string>;

export function parsePowerShellList(text: string): PsRecord[] {
  const records: PsRecord[] = [];
  let current: PsRecord | null = null;
  let lastKey: string | null = null;
  for (const line of consoleLines(text)) {
    if (isPromptLine(line) || line.trim() === '') {
      current = null;
      lastKey = null;
      continue;
    }
    const field = /^(\S[^:]*?)\s*:(?:\s(.*))?$/.exec(line);
    if (field && !/^\s/.test(line)) {
      if (current === null) {
        current = {};
        records.push(current);
      }
      lastKey = field[1] as string;
      current[lastKey] = (field[2] ?? '').trimStart();
    } else if (current !== null && lastKey !== null && /^\s+\S/.test(line)) {
      current[lastKey] += line.trimStart(); // a value wrapped at the console width
    }
  }
  for (const record of records)
    for (const key of Object.keys(record)) record[key] = (record[key] ?? '').trim();
  return records.filter((r) => Object.keys(r).length > 1);
}

export function parsePowerShellTable(text: string): PsRecord[] {
  const lines = consoleLines(text);
  const dashIndex = lines.findIndex((l) => /^-+(\s+-+)*\s*$/.test(l) && l.includes('-'));
  if (dashIndex < 1) return [];
  const dashes = lines[dashIndex] as string;
  const columns: { start: number; end: number }[] = [];
  for (const m of dashes.matchAll(/-+/g)) columns.push({ start: m.index, end: m.index + m[0].length });
  // Headers can wrap onto two lines ("Partition" / "Style"): join the header lines above the dashes.
  const headerLines = lines.slice(0, dashIndex).reverse();
  const headers = columns.map((col, i) => {
    const parts: string[] = [];
    for (const h of headerLines) {
      if (h.trim() === '' || isPromptLine(h)) break;
      const end = i === columns.length - 1 ? h.length : (columns[i + 1]?.start ?? h.length);
      const piece = h.slice(col.start, end).trim();
      if (piece) parts.unshift(piece);
    }
    return parts.join(' ');
  });
  const records: PsRecord[] = [];
  for (const line of lines.slice(dashIndex + 1)) {
    if (line.trim() === '' || isPromptLine(line)) break;
    // Cells start at their column's dashes, except right-aligned values wider than their header: when a cut
    // would split a token, move it left to the token's start.
    const cuts = columns.map((col, i) => {
      let cut = i === 0 ? 0 : col.start;
      while (cut > 0 && line[cut - 1] !== ' ' && line[cut] !== undefined && line[cut] !== ' ') cut--;
      return cut;
    });
    const record: PsRecord = {};
    cuts.forEach((cut, i) => {
      record[headers[i] ?? `column${i}`] = line.slice(cut, cuts[i + 1] ?? line.length).trim();
    });
    records.push(record);
  }
  return records;
}
