import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import { loadXattrAddon, loadXattrAddonFrom, xattrAddonCandidates, xattrAddonEnvVariable } from './xattr';

const built = path.join('src-main', 'engine', 'native', 'xattr', 'build', 'Release', 'xattr.node');
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('xattr-loader');
});
afterAll(() => removeTempDir(dir));

function loadError(candidates: string[]): string {
  try {
    loadXattrAddonFrom(candidates);
  } catch (error) {
    if (isEngineError(error, 'IO_ERROR')) return error.message;
    throw error;
  }
  throw new Error('expected the load to fail');
}

describe('xattrAddonCandidates', () => {
  it('finds the build output from the source tree (vitest)', () => {
    const candidates = xattrAddonCandidates({
      moduleDir: '/repo/src-main/engine/tree',
      resourcesPath: undefined,
      env: {},
    });
    expect(candidates).toContain(path.join('/repo', built));
  });

  it('finds it from the electron-vite build in a checkout (out/main and out/main/chunks)', () => {
    for (const moduleDir of ['/repo/out/main', '/repo/out/main/chunks']) {
      expect(xattrAddonCandidates({ moduleDir, resourcesPath: undefined, env: {} })).toContain(
        path.join('/repo', built),
      );
    }
  });

  it('looks in the packaged app resources first', () => {
    const candidates = xattrAddonCandidates({
      moduleDir: '/opt/Backup Manager/resources/app.asar/out/main/chunks',
      resourcesPath: '/opt/Backup Manager/resources',
      env: {},
    });
    expect(candidates[0]).toBe('/opt/Backup Manager/resources/native/xattr.node');
  });

  it('uses only the explicit override when it is set', () => {
    const candidates = xattrAddonCandidates({
      moduleDir: '/repo/src-main/engine/tree',
      resourcesPath: '/res',
      env: { [xattrAddonEnvVariable]: '/custom/xattr.node' },
    });
    expect(candidates).toEqual(['/custom/xattr.node']);
  });
});

describe('loading the addon', () => {
  it('loads the built addon from the source tree', () => {
    const addon = loadXattrAddon();
    expect(typeof addon.llistxattr).toBe('function');
    expect(loadXattrAddon()).toBe(addon);
  });

  it('fails loudly, naming every place searched, when the addon is missing', () => {
    const message = loadError([path.join(dir, 'a', 'xattr.node'), path.join(dir, 'b', 'xattr.node')]);
    expect(message).toContain('extended-attribute addon could not be loaded');
    expect(message).toContain(`${path.join(dir, 'a', 'xattr.node')}: not found`);
    expect(message).toContain(`${path.join(dir, 'b', 'xattr.node')}: not found`);
    expect(message).toContain('node-gyp rebuild');
  });

  it('reports a file that is not a loadable addon', async () => {
    await mkdir(path.join(dir, 'broken'), { recursive: true });
    const broken = path.join(dir, 'broken', 'xattr.node');
    await writeFile(broken, 'this is not a shared object');
    expect(loadError([broken])).toMatch(/broken\/xattr\.node: .*(invalid ELF header|file too short)/);
  });

  it('reports a module without the xattr functions', async () => {
    const impostor = path.join(dir, 'impostor.js');
    await writeFile(impostor, 'module.exports = { llistxattr() {} };');
    expect(loadError([impostor])).toContain('not the xattr addon');
  });
});
