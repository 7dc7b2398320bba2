/**
 * Tests that back up a temporary directory twice and expect the same result compare the tree of that directory,
 * not the snapshot's root tree: the root tree records the directories above it too, and the temporary
 * directory's own parent (/tmp) changes whenever another test running alongside makes or removes something there.
 */
import type { Id } from '../ids';
import type { Repository } from '../repository/repository';
import { repositoryTreeLoader, resolveSubtree } from '../restore/tree-walker';

/** The tree ID of the directory `absolutePath` inside the snapshot tree `root`. */
export function subtreeOf(repository: Repository, root: Id, absolutePath: string): Promise<Id> {
  const components = absolutePath
    .split('/')
    .filter((part) => part !== '')
    .map((part) => Buffer.from(part));
  return resolveSubtree(repositoryTreeLoader(repository), root, components, absolutePath);
}
