// @ts-check
/**
 * The process and layer boundaries of DESIGN.md, enforced mechanically (run by `npm run lint`):
 * - only src-main/electron/ may import `electron`;
 * - the renderer may import from src-main only the contract, and only its types (`import type`), and no Node
 *   built-ins (it runs in a sandboxed page);
 * - each room of src-main imports only the rooms below it (arrows point down; nothing imports upward);
 * - a new room must be added to the table below before it can import anything of the project.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Which rooms each room may import (besides itself). A room is `src-main/<folder>` or `src-renderer`.
 * @type {Record<string, string[]>}
 */
export const allowedRoomImports = {
  'src-main/engine': [],
  'src-main/ipc': [],
  'src-main/app': ['src-main/ipc', 'src-main/helper-client', 'src-main/helper-protocol'],
  'src-main/console': ['src-main/app', 'src-main/ipc'],
  'src-main/electron': ['src-main/app', 'src-main/ipc'],
  'src-main/system-state': [],
  'src-main/helper-protocol': [],
  'src-main/helper': ['src-main/helper-protocol', 'src-main/engine', 'src-main/system-state'],
  'src-main/helper-client': ['src-main/helper-protocol'],
  'src-main/cli': [
    'src-main/engine',
    'src-main/system-state',
    'src-main/app',
    'src-main/helper-client',
    'src-main/helper-protocol',
  ],
  'src-main/tooling': [],
  'src-renderer': [],
  e2e: ['src-main/tooling'],
};

/**
 * Files with a stricter rule of their own: the contract is loaded into the browser, so it may import zod only —
 * and its own parts: contract.ts re-exports the domain payloads split by area under src-main/ipc/contract/.
 */
const contractFile = 'src-main/ipc/contract.ts';
const contractPartsFolder = 'src-main/ipc/contract/';
const contractPackages = new Set(['zod']);

/**
 * The harnesses that start real servers for tests (sshd, Ceph RADOS Gateway): the engine's tests and the e2e
 * journeys need the same servers, and these files import nothing of the engine proper. e2e may import them, and
 * only them, of src-main/engine.
 */
const sharedServerHarnesses = 'src-main/engine/testing/';

/** @param {string} file */
function isContract(file) {
  return file === contractFile || file.startsWith(contractPartsFolder);
}

const sourceExtensions = ['.ts', '.tsx', '.mts', '.mjs', '.js'];
const builtins = new Set(builtinModules);

/**
 * @typedef {{ specifier: string, typeOnly: boolean, line: number }} ImportRef
 * @typedef {{ file: string, line: number, message: string }} Violation
 */

/** @param {string} file @param {string} text @returns {ImportRef[]} */
export function collectImports(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  /** @type {ImportRef[]} */
  const refs = [];
  const add = (
    /** @type {ts.Node} */ node,
    /** @type {string} */ specifier,
    /** @type {boolean} */ typeOnly,
  ) => {
    refs.push({ specifier, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, isTypeOnlyImport(node.importClause));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly =
        node.isTypeOnly ||
        (node.exportClause !== undefined &&
          ts.isNamedExports(node.exportClause) &&
          node.exportClause.elements.length > 0 &&
          node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) add(node, expr.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const [first] = node.arguments;
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isDynamicImport || isRequire) && first && ts.isStringLiteralLike(first))
        add(node, first.text, false);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) add(node, arg.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

/** @param {ts.ImportClause | undefined} clause */
function isTypeOnlyImport(clause) {
  if (clause === undefined) return false; // side-effect import: code runs
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (bindings === undefined || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/**
 * @param {string} root project root
 * @param {string} fromFile project-relative path of the importing file
 * @param {string} specifier
 * @returns {{ kind: 'builtin' | 'package', name: string } | { kind: 'project', file: string }}
 */
export function resolveSpecifier(root, fromFile, specifier) {
  if (specifier === '@contract') return { kind: 'project', file: contractFile };
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const absolute = path.resolve(root, path.dirname(fromFile), specifier);
    return { kind: 'project', file: toPosix(path.relative(root, findSourceFile(absolute))) };
  }
  const bare = specifier.replace(/^node:/, '');
  if (specifier.startsWith('node:') || builtins.has(bare)) return { kind: 'builtin', name: bare };
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return { kind: 'package', name };
}

/** @param {string} absolute */
function findSourceFile(absolute) {
  const candidates = [absolute, ...sourceExtensions.map((ext) => absolute + ext)];
  candidates.push(...sourceExtensions.map((ext) => path.join(absolute, `index${ext}`)));
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this candidate; try the next one
    }
  }
  return absolute;
}

/** The room a project file belongs to, or null for files outside every room (config files at the top). */
export function roomOf(/** @type {string} */ file) {
  const parts = file.split('/');
  if (parts[0] === 'src-main') return parts.length > 2 ? `src-main/${parts[1]}` : 'src-main';
  if (parts[0] === 'src-renderer' || parts[0] === 'e2e') return parts[0];
  return null;
}

/**
 * @param {string} root
 * @param {string} file project-relative, POSIX separators
 * @param {ImportRef[]} refs
 * @returns {Violation[]}
 */
export function checkFile(root, file, refs) {
  /** @type {Violation[]} */
  const violations = [];
  const room = roomOf(file);
  if (room === null) return violations;
  const report = (/** @type {ImportRef} */ ref, /** @type {string} */ message) =>
    violations.push({ file, line: ref.line, message: `${JSON.stringify(ref.specifier)}: ${message}` });

  for (const ref of refs) {
    const target = resolveSpecifier(root, file, ref.specifier);
    if (target.kind === 'package' && (target.name === 'electron' || target.name.startsWith('electron/'))) {
      if (room !== 'src-main/electron') report(ref, 'only src-main/electron/ may import electron');
      continue;
    }
    const contractPart = target.kind === 'project' && isContract(target.file);
    if (
      isContract(file) &&
      !contractPart &&
      (target.kind !== 'package' || !contractPackages.has(target.name))
    ) {
      if (!ref.typeOnly) report(ref, 'the contract is loaded by the renderer too and may import only zod');
      continue;
    }
    if (room === 'src-renderer') {
      if (target.kind === 'builtin')
        report(ref, 'the renderer is a sandboxed page and cannot use Node built-ins');
      if (target.kind === 'project' && roomOf(target.file) !== 'src-renderer') {
        if (target.file !== contractFile)
          report(ref, 'the renderer may import from src-main only the contract');
        else if (!ref.typeOnly)
          report(ref, 'the renderer may import only the contract\'s types (use "import type")');
      }
      continue;
    }
    if (target.kind !== 'project') continue;
    const targetRoom = roomOf(target.file);
    if (targetRoom === null || targetRoom === room) continue;
    if (room === 'e2e' && target.file.startsWith(sharedServerHarnesses)) continue;
    const allowed = allowedRoomImports[room];
    if (allowed === undefined) {
      report(
        ref,
        `${room} is not in the boundary table of src-main/tooling/check-boundaries.mjs; add it there`,
      );
    } else if (!allowed.includes(targetRoom)) {
      report(ref, `${room} may not import ${targetRoom} (arrows point down; see DESIGN.md)`);
    }
  }
  return violations;
}

/** @param {string} root @returns {Violation[]} */
export function checkBoundaries(root) {
  /** @type {Violation[]} */
  const violations = [];
  for (const top of ['src-main', 'src-renderer', 'e2e']) {
    for (const file of listSourceFiles(path.join(root, top))) {
      const relative = toPosix(path.relative(root, file));
      violations.push(...checkFile(root, relative, collectImports(relative, readFileSync(file, 'utf8'))));
    }
  }
  return violations;
}

/** @param {string} dir @returns {string[]} */
function listSourceFiles(dir) {
  /** @type {string[]} */
  const files = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return files; // the folder does not exist (yet)
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...listSourceFiles(full));
    } else if (sourceExtensions.includes(path.extname(entry.name)) && !entry.name.endsWith('.d.ts')) {
      files.push(full);
    }
  }
  return files;
}

/** @param {string} p */
function toPosix(p) {
  return p.split(path.sep).join('/');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const violations = checkBoundaries(root);
  for (const v of violations) console.error(`${v.file}:${v.line}: ${v.message}`);
  if (violations.length > 0) {
    console.error(`${violations.length} boundary violation(s).`);
    process.exit(1);
  }
  console.log('Boundaries: every import respects the rooms of DESIGN.md.');
}
