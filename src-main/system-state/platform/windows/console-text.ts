/**
 * Windows console output as recorded in the wild: CRLF or LF, log prefixes added by scripts
 * (`8/10/2018 9:28:02 AM<TAB><TAB><TAB>`, CI timestamps), a command prompt echo. These helpers normalise lines so
 * that each parser deals with the tool's own text only.
 */

/**
 * Log prefixes that scripts put before the tool's text: `8/10/2018 9:28:02 AM` then tabs (VBScript), or
 * `2016-12-13 20:57:51 INFO [logger:115] ` (Python logging).
 */
const timestampPrefixes = [
  /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2}(?: [AP]M)?\t+/,
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:[.,]\d+)? [A-Z]+ \[[^\]]*\] /,
];

export function consoleLines(text: string): string[] {
  return (
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      // Trailing spaces are kept: PowerShell wraps long values mid-text and a space can end a wrapped line.
      .map((line) => timestampPrefixes.reduce((l, prefix) => l.replace(prefix, ''), line))
  );
}

/** `[C:\…>] command` prompt echoes and PowerShell prompts are not tool output. */
export function isPromptLine(line: string): boolean {
  return /^(?:[A-Za-z]:\\[^>]*>|PS [^>]*>|\[PS\] [^>]*>|DISKPART>)/.test(line.trim());
}
