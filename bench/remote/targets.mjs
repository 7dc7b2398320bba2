// @ts-check
/**
 * The servers `npm run bench:remote` measures against. Everything that differs between them is behind
 * RemoteTarget: starting the server, where a fresh repository is and how each tool reaches it, the server's own
 * CPU use, and stopping it. The run loop (run.mjs) knows nothing else about them.
 *
 * Adding S3 (the Ceph RADOS Gateway harness and S3 backend of branch wip/remote-s3) is one file, s3-target.mjs,
 * and one line in `targets` below. It needs:
 * - start: the RGW harness (src-main/engine/testing/<its file>.ts), loaded with loadTestingHarness like the sshd's;
 *   it gives an endpoint (http://127.0.0.1:PORT), an access key and a secret key;
 * - repository(name): a bucket (or a prefix in one bucket) per repository, created empty, e.g.
 *   `s3:http://127.0.0.1:PORT/bench/NAME`; `ours` = BACKUP_MANAGER_REPOSITORY=that location plus the credential
 *   variables our CLI reads for S3 (whatever repository-access.ts settles on — AWS_ACCESS_KEY_ID /
 *   AWS_SECRET_ACCESS_KEY as restic would be the natural choice); `restic.env` = RESTIC_REPOSITORY=the same
 *   location, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (restic 0.14 reads those; a region is not needed for RGW);
 *   `restic.options` = [] (or `-o s3.bucket-lookup=path` if RGW is not set up for virtual-host buckets);
 *   remove(): delete the objects under the prefix (or the bucket);
 * - serverCpuSeconds: the CPU of the radosgw, ceph-mon and ceph-osd processes (processTreeCpuSeconds of
 *   sftp-target.mjs, summed over their PIDs, or /proc of the whole cluster's process group);
 * - resticHelperCpuSeconds: () => 0 (restic speaks S3 itself);
 * - stop: the harness's stop.
 * Our CLI must accept s3: locations (repository-access.ts refuses them until the S3 backend lands).
 */
import { startSftpTarget } from './sftp-target.mjs';

/**
 * How each tool reaches one repository on the server.
 * @typedef {object} RemoteRepository
 * @property {Record<string, string>} ours environment for our CLI: BACKUP_MANAGER_REPOSITORY and credentials
 * @property {{ env: Record<string, string>, options: string[] }} restic RESTIC_REPOSITORY and credentials, and
 *   global options given before restic's command (e.g. `-o sftp.command=…`)
 * @property {() => void} remove deletes the repository
 */

/**
 * @typedef {object} RemoteTarget
 * @property {string} name as given to --targets
 * @property {string} description for the report
 * @property {(name: string) => RemoteRepository} repository a location where no repository is yet
 * @property {() => number} serverCpuSeconds CPU seconds the server's processes have used since it started
 * @property {() => number} resticHelperCpuSeconds CPU seconds of the processes restic started to reach the server
 *   (SFTP: its ssh), so far; 0 when there are none
 * @property {() => Promise<void>} stop
 */

/** @type {Record<string, (work: string) => Promise<RemoteTarget>>} */
export const targets = {
  sftp: startSftpTarget,
};
