/** Formatting shared by the engine commands' human output. */
import type { ProgressSnapshot } from '../../engine/progress/progress-meter';
import { formatBytes } from '../../system-state/format-bytes';

/** Sizes as everywhere in the command line's output. */
export const formatSize = formatBytes;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(rest).padStart(2, '0')}`
    : `${m}:${String(rest).padStart(2, '0')}`;
}

/** One live progress line: `[0:12] 42.0%  1234/5678 files  1.20 GiB/2.80 GiB  95.3 MiB/s  ETA 0:17  current` */
export function progressLine(p: ProgressSnapshot): string {
  const percent = p.bytesTotal > 0 ? `${Math.min(100, (p.bytesDone / p.bytesTotal) * 100).toFixed(1)}%` : '';
  const total = p.totalsFinal ? '' : '+';
  return [
    `[${formatDuration(p.elapsedSeconds)}]`,
    percent,
    `${p.filesDone}/${p.filesTotal}${total} files`,
    `${formatSize(p.bytesDone)}/${formatSize(p.bytesTotal)}${total}`,
    `${formatSize(p.bytesPerSecond)}/s`,
    `ETA ${p.etaSeconds === null ? '--:--' : formatDuration(p.etaSeconds)}`,
  ]
    .filter(Boolean)
    .join('  ');
}
