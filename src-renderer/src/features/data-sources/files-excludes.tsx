import { useState } from 'react';
import { checkNewExclude } from './data-sources-format';
import { EditableList } from './editable-list';

/**
 * The Files exclude patterns (restic syntax), saved with the schedule like the paths. What the form can check is
 * checked here; a pattern the helper cannot compile comes back as the schedule's error (INVALID_EXCLUDE).
 */
export function FilesExcludes({
  excludes,
  saving,
  onAdd,
  onRemove,
}: {
  excludes: readonly string[];
  saving: boolean;
  onAdd(pattern: string): Promise<boolean>;
  onRemove(pattern: string): void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const add = async (draft: string) => {
    const checked = checkNewExclude(draft, excludes);
    setProblem(checked.ok ? null : checked.reason);
    return checked.ok && onAdd(checked.pattern);
  };
  return (
    <EditableList
      title="Excluded"
      items={excludes}
      empty={
        <p className="muted small" data-testid="files-no-excludes">
          No excludes: everything under a selected folder is backed up.
        </p>
      }
      testId="files-excludes"
      listTestId="files-excluded"
      removeLabel={(pattern) => `Remove exclude ${pattern}`}
      formLabel="Add an exclude pattern"
      inputLabel="Pattern to exclude (such as *.tmp, /home/*/.cache, **/node_modules)"
      placeholder="*.tmp"
      saving={saving}
      problem={problem}
      onAdd={add}
      onRemove={onRemove}
    />
  );
}
