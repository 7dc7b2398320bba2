/** `backup-manager cat config|snapshot ID|index ID|tree ID`: a repository object as JSON. */
import { idOf } from '../../engine/ids';
import { resolveSnapshot } from '../../engine/repository/snapshot-ref';
import { parseJson } from '../../engine/repository/unpacked-file';
import { type CliCommand, CliError } from '../cli-command';
import { openRepository, repositoryOptions } from './repository-access';

export const catCommand: CliCommand = {
  path: ['cat'],
  summary: 'Print a repository object (config, snapshot, index, tree) as JSON',
  usage: `Usage: backup-manager cat --repo PATH config
       backup-manager cat --repo PATH snapshot ID|latest
       backup-manager cat --repo PATH index ID
       backup-manager cat --repo PATH tree ID`,
  options: { ...repositoryOptions },
  async run(args, { out, env }) {
    const [what, ref] = args.positionals;
    if (what === undefined) throw new CliError('USAGE', 'what to print? config, snapshot, index or tree', 2);
    const repository = await openRepository(args, env);
    const print = (value: unknown) => out.result(value, () => JSON.stringify(value, null, 2));
    if (what === 'config') {
      const { config } = repository;
      print({
        version: config.version,
        id: config.id,
        chunker_polynomial: config.chunkerPolynomial.toString(16),
      });
      return 0;
    }
    if (ref === undefined) throw new CliError('USAGE', `cat ${what} needs an ID`, 2);
    if (what === 'snapshot') {
      const { id, snapshot } = await resolveSnapshot(repository, ref);
      print({ id, ...snapshot });
    } else if (what === 'index') {
      if (!/^[0-9a-f]{64}$/.test(ref))
        throw new CliError('USAGE', 'cat index needs the full 64-hex-digit ID', 2);
      print(parseJson(await repository.loadUnpacked('index', ref), `index file ${ref}`));
    } else if (what === 'tree') {
      if (!/^[0-9a-f]{64}$/.test(ref))
        throw new CliError('USAGE', 'cat tree needs the full 64-hex-digit ID', 2);
      await repository.loadIndex();
      const bytes = await repository.readBlob('tree', ref);
      if (idOf(bytes) !== ref) throw new CliError('CORRUPT', `tree ${ref} does not hash to its ID`);
      print(JSON.parse(bytes.toString('utf8')));
    } else {
      throw new CliError(
        'USAGE',
        `cannot print ${JSON.stringify(what)}: use config, snapshot, index or tree`,
        2,
      );
    }
    return 0;
  },
};
