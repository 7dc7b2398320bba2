/** `backup-manager snapshots`: the snapshots in a repository, oldest first. */
import type { CliCommand } from '../cli-command';
import { openRepository, repositoryOptions } from './repository-access';

export const snapshotsCommand: CliCommand = {
  path: ['snapshots'],
  summary: 'List the snapshots in a repository',
  usage: 'Usage: backup-manager snapshots --repo PATH [--host NAME] [--json]',
  options: { ...repositoryOptions, host: { value: true } },
  async run(args, { out, env }) {
    const repository = await openRepository(args, env);
    const host = args.options.get('host')?.[0];
    const list = (await repository.listSnapshots()).filter(
      ({ snapshot }) => host === undefined || snapshot.hostname === host,
    );
    out.result(
      list.map(({ id, snapshot }) => ({ id, short_id: id.slice(0, 8), ...snapshot })),
      () => {
        if (list.length === 0) return 'no snapshots';
        const rows = list.map(({ id, snapshot }) =>
          [
            id.slice(0, 8),
            snapshot.time.slice(0, 19).replace('T', ' '),
            snapshot.hostname ?? '',
            (snapshot.tags ?? []).join(','),
            snapshot.paths.join(' '),
          ].join('  '),
        );
        return ['ID        Time                 Host  Tags  Paths', ...rows, `${list.length} snapshots`].join(
          '\n',
        );
      },
    );
    return 0;
  },
};
