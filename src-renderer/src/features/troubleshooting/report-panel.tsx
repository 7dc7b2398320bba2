import { useEffect, useRef } from 'react';
import type { ReportAction } from './troubleshooting-store';

export interface ReportPanelProps {
  report: ReportAction;
  onExport(): void;
  onCopy(): void;
}

function message(report: ReportAction): string {
  switch (report.status) {
    case 'working':
      return 'Preparing the report: the helper runs every check again…';
    case 'exported':
      return `Saved ${report.fileName} to your downloads.`;
    case 'copied':
      return 'Copied. Paste it into the e-mail or ticket for the help desk.';
    case 'manual-copy':
      return 'This window may not use the clipboard. The report is selected below: press Ctrl+C (⌘C on a Mac) to copy it.';
    case 'error':
      return `The report could not be made (${report.failure.code}): ${report.failure.message}`;
    default:
      return '\u00a0';
  }
}

/** Export the diagnostic report as a file, or copy it as text, for the help desk. */
export function ReportPanel({ report, onExport, onCopy }: ReportPanelProps) {
  const manual = useRef<HTMLTextAreaElement>(null);
  const manualText = report.status === 'manual-copy' ? report.text : null;
  useEffect(() => {
    if (manualText !== null) {
      manual.current?.focus();
      manual.current?.select();
    }
  }, [manualText]);
  const working = report.status === 'working';
  return (
    <section className="card troubleshooting-report" aria-labelledby="troubleshooting-report-title">
      <h3 id="troubleshooting-report-title">Diagnostic report</h3>
      <p className="muted">
        Everything on this page, plus this machine's snapshot provider and System state components, in one
        report for the help desk. It holds no passwords or keys.
      </p>
      <div className="toolbar troubleshooting-actions">
        <button
          type="button"
          className="button"
          aria-disabled={working}
          onClick={() => {
            if (!working) onExport();
          }}
        >
          {working && report.kind === 'export' ? 'Exporting…' : 'Export report'}
        </button>
        <button
          type="button"
          className="button"
          aria-disabled={working}
          onClick={() => {
            if (!working) onCopy();
          }}
        >
          {working && report.kind === 'copy' ? 'Copying…' : 'Copy report'}
        </button>
      </div>
      <p
        className={`small troubleshooting-report-status${report.status === 'error' ? ' tone-error' : ''}`}
        role="status"
        data-testid="troubleshooting-report-status"
      >
        {message(report)}
      </p>
      {manualText !== null && (
        <textarea
          ref={manual}
          className="troubleshooting-report-text mono"
          readOnly
          rows={12}
          aria-label="Diagnostic report text"
          value={manualText}
        />
      )}
    </section>
  );
}
