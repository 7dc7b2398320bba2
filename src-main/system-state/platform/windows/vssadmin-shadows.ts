/** Parses `vssadmin list shadows` (English and French UIs): each shadow copy's id, original volume and device. */
import { consoleLines } from './console-text';

export interface ShadowCopy {
  id: string; // "{…}" lower-cased
  originalVolume: string; // "C:" or "?" when the volume has no letter
  device: string; // \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN
}

const idLabels = ['shadow copy id', 'id du cliché instantané'];
const originalLabels = ['original volume', 'volume original'];
const deviceLabels = ['shadow copy volume', 'volume de cliché instantané'];

export function parseVssShadows(text: string): ShadowCopy[] {
  const shadows: ShadowCopy[] = [];
  let current: ShadowCopy | null = null;
  for (const line of consoleLines(text)) {
    const field = /^\s*([^:]+?)\s*:\s*(.*?)\s*$/.exec(line);
    if (!field) continue;
    const label = (field[1] as string).toLowerCase();
    const value = field[2] as string;
    if (idLabels.includes(label)) {
      current = { id: value.toLowerCase(), originalVolume: '', device: '' };
      shadows.push(current);
    } else if (current !== null && originalLabels.includes(label)) {
      current.originalVolume = /^\((\w:|\?)\)/.exec(value)?.[1] ?? value;
    } else if (current !== null && deviceLabels.includes(label)) current.device = value;
  }
  return shadows;
}
