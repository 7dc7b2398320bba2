/** The diagnostic report as a file: its name, its content, and saving it through the browser's download. */
import type { DiagnosticReport } from '@contract';

/** `backup-manager-diagnostics-<YYYY-MM-DD>.json`, dated when the helper generated the report. */
export function reportFileName(report: Pick<DiagnosticReport, 'generatedAt'>): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(report.generatedAt)?.[0] ?? 'report';
  return `backup-manager-diagnostics-${date}.json`;
}

export function reportFileContent(report: DiagnosticReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Saves text as a file: a Blob behind an `<a download>`, which works in Electron and in the console browser. */
export function downloadTextFile(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the click; the URL is released once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
