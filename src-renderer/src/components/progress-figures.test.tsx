import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ProgressFigures, type ProgressValues } from './progress-figures';

const halfway: ProgressValues = {
  bytesDone: 50 * 1024 * 1024,
  bytesTotal: 200 * 1024 * 1024,
  filesDone: 1234,
  filesTotal: 5000,
  bytesPerSecond: 12_500_000,
  etaSeconds: 190,
  currentItem: `/var/lib/${'x'.repeat(100)}/file.conf`,
};

function factOf(html: string, fact: string): string | undefined {
  return html.match(new RegExp(`data-fact="${fact}"><dt>[^<]*</dt><dd>([^<]*)</dd>`))?.[1];
}

describe('ProgressFigures', () => {
  it('shows the bar and the five figures for humans, named by the prefix, and the item with both ends kept', () => {
    const html = renderToStaticMarkup(
      <ProgressFigures progress={halfway} barLabel="Restored" factPrefix="job" />,
    );
    expect(html).toContain('aria-label="Restored"');
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain('aria-valuetext="25% — 50.0 MiB of 200 MiB"');
    expect(factOf(html, 'job-percent')).toBe('25%');
    expect(factOf(html, 'job-bytes')).toBe('50.0 MiB of 200 MiB');
    expect(factOf(html, 'job-files')).toBe('1,234 of 5,000');
    expect(factOf(html, 'job-rate')).toBe('12.5 MB/s');
    expect(factOf(html, 'job-eta')).toBe('About 3 minutes');
    expect(html).toContain(`title="${halfway.currentItem}"`);
    expect(html).toMatch(/<span class="mono">\/var\/lib\/x+…x+\/file\.conf<\/span>/);
  });

  it('says what is unknown with "—" and no total, and keeps every slot before the first report', () => {
    const unknown = renderToStaticMarkup(
      <ProgressFigures
        progress={{
          ...halfway,
          bytesTotal: null,
          filesTotal: null,
          bytesPerSecond: null,
          etaSeconds: null,
          currentItem: null,
        }}
        barLabel="Backed up"
        factPrefix="progress"
      />,
    );
    expect(unknown).toContain('aria-valuetext="Working out the size…"');
    expect(unknown).not.toContain('aria-valuenow');
    expect(factOf(unknown, 'progress-percent')).toBe('—');
    expect(factOf(unknown, 'progress-bytes')).toBe('50.0 MiB');
    expect(factOf(unknown, 'progress-files')).toBe('1,234');
    expect(factOf(unknown, 'progress-rate')).toBe('—');
    expect(factOf(unknown, 'progress-eta')).toBe('—');
    expect(unknown).not.toContain('title=');

    const before = renderToStaticMarkup(
      <ProgressFigures progress={null} barLabel="Backed up" factPrefix="progress" />,
    );
    for (const fact of ['percent', 'bytes', 'files', 'rate', 'eta'])
      expect(factOf(before, `progress-${fact}`)).toBe('—');
    expect(before).toContain('data-testid="current-item"');
  });
});
