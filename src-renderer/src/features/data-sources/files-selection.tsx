import { EditableList } from './editable-list';

/** The Files selection: the chosen paths (or an explicit "No selection"), add one by its path, remove one. */
export function FilesSelection({
  paths,
  saving,
  pathProblem,
  onAdd,
  onRemove,
}: {
  paths: readonly string[];
  saving: boolean;
  pathProblem: string | null;
  onAdd(path: string): Promise<boolean>;
  onRemove(path: string): void;
}) {
  return (
    <EditableList
      title="Selected folders and files"
      items={paths}
      empty={
        <p className="data-sources-no-selection" data-testid="files-no-selection">
          <span className="badge badge-neutral">No selection</span>{' '}
          <span className="muted">Nothing is chosen yet: add a folder or file for Files to back up.</span>
        </p>
      }
      listTestId="files-selected"
      removeLabel={(path) => `Remove ${path}`}
      formLabel="Add a folder or file"
      inputLabel="Folder or file to add (full path)"
      placeholder="/home/alex/Documents"
      saving={saving}
      problem={pathProblem}
      onAdd={onAdd}
      onRemove={onRemove}
    />
  );
}
