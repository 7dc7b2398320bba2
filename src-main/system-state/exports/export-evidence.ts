/**
 * Puts each export's outcome into the evidence of the component it belongs to, so that what the user reads about
 * a component also says what could not be exported ("efibootmgr is not installed") — a missing tool is
 * evidence on the component, never a failure of the session.
 */
import type { DetectedComponent } from '../catalog/component';
import type { ExportResult } from './export-plan';

const outcomeWords = {
  written: 'exported',
  'tool-missing': 'not exported',
  failed: 'export failed',
} as const;

export function withExportEvidence(
  components: readonly DetectedComponent[],
  results: readonly ExportResult[],
): DetectedComponent[] {
  return components.map((component) => {
    const mine = results.filter((r) => r.componentId === component.id);
    if (mine.length === 0) return component;
    return {
      ...component,
      evidence: [
        ...component.evidence,
        ...mine.map((r) => `${r.id} ${outcomeWords[r.outcome]}: ${r.evidence}`),
      ],
    };
  });
}
