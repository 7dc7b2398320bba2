/** `backup-manager ls SNAPSHOT [DIR]`: the entries of a snapshot, recursively. */
import type { Id } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import { resolveSnapshot } from '../../engine/repository/snapshot-ref';
import type { Node } from '../../engine/tree/node';
import { decodeTreeFast } from '../../engine/tree/tree-fast-decode';
import type { CliCommand } from '../cli-command';
import { CliError } from '../cli-command';
import { formatSize } from './cli-format';
import { openRepository, repositoryOptions } from './repository-access';

export const lsCommand: CliCommand = {
  path: ['ls'],
  summary: 'List the files and directories in a snapshot',
  usage: `Usage: backup-manager ls --repo PATH SNAPSHOT [DIR] [--long] [--json]

SNAPSHOT is an ID, a unique ID prefix, or "latest". DIR (absolute) limits the listing to that directory.
Bytes of names that are not valid UTF-8 are shown as U+FFFD, as restic shows them.`,
  options: { ...repositoryOptions, long: { short: 'l' } },
  async run(args, { out, env }) {
    const [ref, dir] = args.positionals;
    if (ref === undefined) throw new CliError('USAGE', 'which snapshot? give an ID or "latest"', 2);
    const repository = await openRepository(args, env);
    await repository.loadIndex();
    const { id, snapshot } = await resolveSnapshot(repository, ref);
    const start = await findDirectory(repository, snapshot.tree, dir ?? '/');
    if (out.json)
      out.result({ struct_type: 'snapshot', id, short_id: id.slice(0, 8), ...snapshot }, () => '');
    await walk(repository, start.tree, start.path, (path, node) => {
      out.result(
        {
          struct_type: 'node',
          name: node.name.toString('utf8'),
          type: node.type,
          path,
          uid: node.uid,
          gid: node.gid,
          size: node.type === 'file' ? Number(node.size) : undefined,
          mode: node.mode,
          mtime: node.mtime.sec.toString(),
        },
        () => (args.flags.has('long') ? longLine(path, node) : path),
      );
    });
    return 0;
  },
};

async function findDirectory(
  repository: Repository,
  root: Id,
  dir: string,
): Promise<{ tree: Id; path: string }> {
  if (!dir.startsWith('/'))
    throw new CliError('USAGE', `DIR must be absolute, got ${JSON.stringify(dir)}`, 2);
  let tree = root;
  const parts = dir.split('/').filter(Boolean);
  for (const [i, part] of parts.entries()) {
    const node = decodeTreeFast(await repository.readBlob('tree', tree), tree).find(
      (n) => n.name.toString() === part,
    );
    if (node?.type !== 'dir' || node.subtree === null) {
      throw new CliError(
        'NOT_FOUND',
        `${'/'.concat(parts.slice(0, i + 1).join('/'))} is not a directory in the snapshot`,
      );
    }
    tree = node.subtree;
  }
  return { tree, path: parts.length === 0 ? '' : `/${parts.join('/')}` };
}

async function walk(
  repository: Repository,
  tree: Id,
  prefix: string,
  visit: (path: string, node: Node) => void,
): Promise<void> {
  for (const node of decodeTreeFast(await repository.readBlob('tree', tree), tree)) {
    const path = `${prefix}/${node.name.toString('utf8')}`;
    visit(path, node);
    if (node.type === 'dir' && node.subtree !== null) await walk(repository, node.subtree, path, visit);
  }
}

function longLine(path: string, node: Node): string {
  const size = node.type === 'file' ? formatSize(Number(node.size)) : '';
  const time = new Date(Number(node.mtime.sec) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${node.type.padEnd(7)} ${node.user || node.uid}/${node.group || node.gid}  ${size.padStart(10)}  ${time}  ${path}`;
}
