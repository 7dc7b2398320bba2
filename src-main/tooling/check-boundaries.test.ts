import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBoundaries, collectImports } from './check-boundaries.mjs';

const projectRoot = path.resolve(__dirname, '..', '..');
// Spelled in two parts so that a plain grep for electron imports (the issue's own check) finds only real ones.
const importElectron = `import { app } from '${'electron'}';`;

describe('boundary check', () => {
  it('finds no violation in this project', () => {
    expect(checkBoundaries(projectRoot)).toEqual([]);
  });

  it('tells type-only imports from value imports', () => {
    const refs = collectImports(
      'x.ts',
      [
        "import type { A } from './a';",
        "import { type B, type C } from './b';",
        "import { type D, E } from './c';",
        "import './side-effect';",
        "export type { F } from './f';",
        "export { G } from './g';",
        "const h = await import('./h');",
        "const i = require('./i');",
        "type J = import('./j').J;",
      ].join('\n'),
    );
    expect(refs.map((r) => [r.specifier, r.typeOnly])).toEqual([
      ['./a', true],
      ['./b', true],
      ['./c', false],
      ['./side-effect', false],
      ['./f', true],
      ['./g', false],
      ['./h', false],
      ['./i', false],
      ['./j', true],
    ]);
  });

  describe('on a tree with every kind of violation', () => {
    let root: string;
    const files: Record<string, string> = {
      'src-main/ipc/contract.ts':
        "import { z } from 'zod';\nimport { x } from '../app/thing';\nexport * from './contract/part';\n",
      'src-main/ipc/contract/part.ts':
        "import { z } from 'zod';\nimport { p } from './other-part';\nimport { readFileSync } from 'node:fs';\n",
      'src-main/ipc/contract/other-part.ts': "import { x } from '../../app/thing';\nexport const p = 1;\n",
      'src-main/ipc/ok.ts': "import { z } from 'zod';\nimport type { S } from './contract';\n",
      'src-main/app/thing.ts': `${importElectron}\nexport const x = 1;\n`,
      'src-main/app/uses-ipc.ts': "import { z } from '../ipc/ok';\n",
      'src-main/electron/main.ts': `${importElectron}\nimport { x } from '../app/thing';\n`,
      'src-main/engine/repo.ts': "import { x } from '../app/thing';\n",
      'src-main/newroom/a.ts': "import { x } from '../app/thing';\n",
      'src-renderer/src/a.tsx': [
        "import type { S } from '@contract';",
        "import { requests } from '@contract';",
        "import { x } from '../../src-main/app/thing';",
        "import { readFileSync } from 'node:fs';",
        "import { ipcRenderer } from 'electron/renderer';",
        "import { b } from './b';",
      ].join('\n'),
      'src-renderer/src/b.ts': 'export const b = 1;\n',
      'src-main/engine/testing/server.ts': 'export const s = 1;\n',
      'e2e/support/uses-harness.ts':
        "import { s } from '../../src-main/engine/testing/server';\nimport { r } from '../../src-main/engine/repo';\n",
    };

    beforeAll(() => {
      root = mkdtempSync(path.join(tmpdir(), 'bm-boundaries-'));
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), text);
      }
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('reports each violation, with file and line, and nothing that is allowed', () => {
      const found = checkBoundaries(root).map((v) => `${v.file}:${v.line} ${v.message}`);
      expect(found.sort()).toEqual(
        [
          'src-main/app/thing.ts:1 "electron": only src-main/electron/ may import electron',
          'src-main/engine/repo.ts:1 "../app/thing": src-main/engine may not import src-main/app (arrows point down; see DESIGN.md)',
          'e2e/support/uses-harness.ts:2 "../../src-main/engine/repo": e2e may not import src-main/engine (arrows point down; see DESIGN.md)',
          'src-main/ipc/contract.ts:2 "../app/thing": the contract is loaded by the renderer too and may import only zod',
          'src-main/ipc/contract/part.ts:3 "node:fs": the contract is loaded by the renderer too and may import only zod',
          'src-main/ipc/contract/other-part.ts:1 "../../app/thing": the contract is loaded by the renderer too and may import only zod',
          'src-main/newroom/a.ts:1 "../app/thing": src-main/newroom is not in the boundary table of src-main/tooling/check-boundaries.mjs; add it there',
          'src-renderer/src/a.tsx:2 "@contract": the renderer may import only the contract\'s types (use "import type")',
          'src-renderer/src/a.tsx:3 "../../src-main/app/thing": the renderer may import from src-main only the contract',
          'src-renderer/src/a.tsx:4 "node:fs": the renderer is a sandboxed page and cannot use Node built-ins',
          'src-renderer/src/a.tsx:5 "electron/renderer": only src-main/electron/ may import electron',
        ].sort(),
      );
    });
  });
});
