/** `backup-manager init`: a new repository in restic's format v2. */
import { randomIrreduciblePolynomial } from '../../engine/chunker/chunker-polynomial';
import { Repository } from '../../engine/repository/repository';
import { type CliCommand, CliError } from '../cli-command';
import { openBackend, readPassword, repositoryLocation, repositoryOptions } from './repository-access';

export const initCommand: CliCommand = {
  path: ['init'],
  summary: 'Create a new repository (restic repository format v2)',
  usage: `Usage: backup-manager init --repo LOCATION [--password-file FILE] [--ssh-key FILE] [--json]

Creates the repository and its first key. The password comes from BACKUP_MANAGER_PASSWORD or --password-file.`,
  options: { ...repositoryOptions },
  async run(args, { out, env }) {
    const location = repositoryLocation(args, env);
    const password = await readPassword(args, env);
    if (password.length === 0) throw new CliError('USAGE', 'an empty password is not allowed', 2);
    const repository = await Repository.init(await openBackend(location, args, env), password, {
      chunkerPolynomial: () => randomIrreduciblePolynomial(),
    });
    out.result(
      { repository: location, id: repository.config.id, version: repository.config.version },
      () => `created repository ${repository.config.id.slice(0, 10)} at ${location}`,
    );
    return 0;
  },
};
