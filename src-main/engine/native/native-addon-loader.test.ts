import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AddonSpec, addonCandidates } from './native-addon-loader';

const spec: AddonSpec<unknown> = {
  dir: 'posix-fs',
  file: 'posix_fs.node',
  envVariable: 'BACKUP_MANAGER_POSIX_FS_ADDON',
  name: 'POSIX filesystem',
  purpose: 'test',
  problemWith: () => undefined,
};
const built = path.join('src-main', 'engine', 'native', 'posix-fs', 'build', 'Release', 'posix_fs.node');

describe('where a native addon is looked for', () => {
  it('finds the build output from the source tree (vitest)', () => {
    const candidates = addonCandidates(spec, {
      moduleDir: '/repo/src-main/engine/native',
      resourcesPath: undefined,
      env: {},
    });
    expect(candidates).toContain(path.join('/repo', built));
  });

  it('finds it from the electron-vite build in a checkout (out/main and out/main/chunks)', () => {
    for (const moduleDir of ['/repo/out/main', '/repo/out/main/chunks']) {
      expect(addonCandidates(spec, { moduleDir, resourcesPath: undefined, env: {} })).toContain(
        path.join('/repo', built),
      );
    }
  });

  it('looks in the packaged app resources first', () => {
    const candidates = addonCandidates(spec, {
      moduleDir: '/opt/Backup Manager/resources/app.asar/out/main/chunks',
      resourcesPath: '/opt/Backup Manager/resources',
      env: {},
    });
    expect(candidates[0]).toBe('/opt/Backup Manager/resources/native/posix_fs.node');
  });

  it('uses only the explicit override when it is set', () => {
    const candidates = addonCandidates(spec, {
      moduleDir: '/repo/src-main/engine/native',
      resourcesPath: '/res',
      env: { BACKUP_MANAGER_POSIX_FS_ADDON: '/custom/posix_fs.node' },
    });
    expect(candidates).toEqual(['/custom/posix_fs.node']);
  });
});
