/**
 * The helper's install assets (resources/linux, resources/windows) and their wiring into electron-builder.yml.
 * electron-builder cannot build packages on this machine (no Electron binary download), so the deb's maintainer
 * scripts run here against a fake root (BM_ROOT) with every system-changing command replaced by a stub that logs
 * its arguments; the NSIS include and the WinSW definition can only be checked for structure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const projectRoot = path.resolve(__dirname, '..', '..');
const linuxDir = path.join(projectRoot, 'resources', 'linux');
const windowsDir = path.join(projectRoot, 'resources', 'windows');
const read = (file: string): string => readFileSync(file, 'utf8');

const unitName = 'backup-manager-helper.service';
const installDir = '/opt/Backup Manager';
/** Where extraResources puts resources/linux inside the installed app (<resourcesPath>/resources/linux). */
const installedAssets = `${installDir}/resources/resources/linux`;
const wrapperLink = '/usr/bin/backup-manager-helper';
const policyFile = 'org.backupmanager.helper.policy';
const rulesFile = '50-backup-manager.rules';
const shellScripts = ['deb-postinst.sh', 'deb-postrm.sh', 'backup-manager-helper'];

const which = (tool: string): string | null => {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
};

// --- systemd unit ---------------------------------------------------------------------------------------------

type UnitFile = Map<string, Array<[string, string]>>;

/** systemd's unit syntax: [Section], Key=Value, # and ; comments, backslash continuation. */
function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Array<[string, string]> | null = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = [];
      unit.set(header[1]!, section);
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!entry || section === null)
      throw new Error(`line ${index + 1} is not Key=Value in a section: ${raw}`);
    section.push([entry[1]!, entry[2]!]);
  }
  return unit;
}

function unitValues(unit: UnitFile, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

// --- XML ------------------------------------------------------------------------------------------------------

/**
 * A minimal XML well-formedness check (xmllint is not installed here): one root element, every tag closed in
 * order, attributes quoted and not repeated, only the five predefined entities or character references, no
 * markup characters in text.
 */
function xmlWellFormednessErrors(xml: string): string[] {
  const errors: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const checkText = (text: string) => {
    if (text.includes('<')) errors.push(`stray < in text near ${JSON.stringify(text.slice(0, 40))}`);
    for (const ref of text.match(/&[^;\s]*;?/g) ?? []) {
      if (!/^&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);$/.test(ref)) errors.push(`bad entity ${ref}`);
    }
  };
  while (i < xml.length) {
    const open = xml.indexOf('<', i);
    const text = xml.slice(i, open === -1 ? xml.length : open);
    if (stack.length === 0 && text.trim() !== '') errors.push('text outside the root element');
    checkText(text);
    if (open === -1) break;
    const endOf = (terminator: string): number => {
      const end = xml.indexOf(terminator, open);
      if (end === -1) errors.push(`unterminated ${xml.slice(open, open + 20)}`);
      return end === -1 ? xml.length : end + terminator.length;
    };
    if (xml.startsWith('<!--', open)) {
      i = endOf('-->');
      if (xml.slice(open + 4, i - 3).includes('--')) errors.push('-- inside a comment');
    } else if (xml.startsWith('<?', open)) {
      if (open !== 0 && xml.startsWith('<?xml ', open)) errors.push('XML declaration not at the start');
      i = endOf('?>');
    } else if (xml.startsWith('<!DOCTYPE', open)) {
      if (roots > 0 || stack.length > 0) errors.push('DOCTYPE after the root element');
      i = endOf('>');
    } else {
      i = endOf('>');
      const tag = xml.slice(open + 1, i - 1);
      const closing = /^\/([A-Za-z_][\w.:-]*)\s*$/.exec(tag);
      if (closing) {
        const expected = stack.pop();
        if (expected !== closing[1]) errors.push(`</${closing[1]}> closes <${expected ?? 'nothing'}>`);
        continue;
      }
      const element =
        /^([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)$/.exec(tag);
      if (!element) {
        errors.push(`malformed tag <${tag}>`);
        continue;
      }
      const names = [...element[2]!.matchAll(/([A-Za-z_][\w.:-]*)\s*=/g)].map((m) => m[1]);
      if (new Set(names).size !== names.length) errors.push(`repeated attribute in <${tag}>`);
      for (const value of element[2]!.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g))
        checkText(value[1] ?? value[2]!);
      if (stack.length === 0) roots++;
      if (element[3] !== '/') stack.push(element[1]!);
    }
  }
  if (stack.length > 0) errors.push(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) errors.push(`${roots} root elements`);
  return errors;
}

/** The text of every <name>...</name> element (these files have no nested elements of interest). */
function elementTexts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`, 'g'))].map((m) =>
    m[1]!.trim(),
  );
}

// --- fake root for the deb scripts ----------------------------------------------------------------------------

interface Sandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  /** Every stubbed command run so far, as [name, ...args]. */
  calls(): string[][];
  clearCalls(): void;
  groups(): string;
}

const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

const stubLog = [
  '#!/bin/sh',
  'PATH=/usr/bin:/bin',
  '{ printf "%s" "$(basename "$0")"; for a in "$@"; do printf "|%s" "$a"; done; printf "\\n"; } >>"$BM_TEST_LOG"',
].join('\n');
const stubs: Record<string, string> = {
  systemctl: '',
  'update-alternatives': '',
  getent: [
    'case "$1" in',
    '  group) grep "^$2:" "$BM_TEST_STATE/groups" || exit 2 ;;',
    '  passwd) case "$2" in alice | 1000) echo "alice:x:1000:1000::/home/alice:/bin/sh" ;; *) exit 2 ;; esac ;;',
    '  *) exit 2 ;;',
    'esac',
  ].join('\n'),
  groupadd: 'for a in "$@"; do name=$a; done\necho "$name:x:999:" >>"$BM_TEST_STATE/groups"',
  usermod: [
    '# usermod -a -G GROUP USER',
    'awk -F: -v g="$3" -v u="$4" \'BEGIN { OFS = ":" } $1 == g { $4 = ($4 == "" ? u : $4 "," u) } { print }\' \\',
    '  "$BM_TEST_STATE/groups" >"$BM_TEST_STATE/groups.new"',
    'mv "$BM_TEST_STATE/groups.new" "$BM_TEST_STATE/groups"',
  ].join('\n'),
  groupdel:
    'grep -v "^$1:" "$BM_TEST_STATE/groups" >"$BM_TEST_STATE/groups.new" || true\nmv "$BM_TEST_STATE/groups.new" "$BM_TEST_STATE/groups"',
};
/** The only real tools the scripts get: nothing else on PATH can touch the machine running the tests. */
const realTools = ['cp', 'mkdir', 'rm', 'ln', 'chmod', 'readlink', 'cut', 'dirname'];

function makeSandbox(options: {
  systemd: boolean;
  alternatives?: boolean;
  user?: NodeJS.ProcessEnv;
}): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'bm-install-assets-'));
  sandboxes.push(dir);
  const root = path.join(dir, 'root');
  const bin = path.join(dir, 'bin');
  const state = path.join(dir, 'state');
  const log = path.join(dir, 'calls.log');
  for (const d of [root, bin, state]) mkdirSync(d);
  writeFileSync(log, '');
  writeFileSync(path.join(state, 'groups'), 'root:x:0:\n');
  for (const [name, body] of Object.entries(stubs)) {
    if (name === 'update-alternatives' && !options.alternatives) continue;
    writeFileSync(path.join(bin, name), `${stubLog}\n${body}\n`, { mode: 0o755 });
  }
  for (const tool of realTools) {
    const real = which(tool);
    if (real === null) throw new Error(`${tool} is needed to run the deb scripts`);
    symlinkSync(real, path.join(bin, tool));
  }
  // The installed app as dpkg leaves it before the post-install runs.
  const assets = path.join(root, installedAssets);
  mkdirSync(assets, { recursive: true });
  for (const file of readdirSync(linuxDir)) copyFileSync(path.join(linuxDir, file), path.join(assets, file));
  chmodSync(path.join(assets, 'backup-manager-helper'), 0o644); // the post-install must restore the x bit
  writeFileSync(path.join(root, installDir, 'chrome-sandbox'), '', { mode: 0o755 });
  writeFileSync(path.join(root, installDir, 'backup-manager'), '', { mode: 0o755 });
  if (options.systemd) mkdirSync(path.join(root, 'run', 'systemd', 'system'), { recursive: true });
  return {
    root,
    env: { PATH: bin, BM_ROOT: root, BM_TEST_LOG: log, BM_TEST_STATE: state, ...options.user },
    calls: () =>
      read(log)
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('|')),
    clearCalls: () => writeFileSync(log, ''),
    groups: () => read(path.join(state, 'groups')),
  };
}

function runScript(sandbox: Sandbox, script: string, ...args: string[]): string {
  return execFileSync('/bin/sh', [path.join(linuxDir, script), ...args], {
    env: sandbox.env,
    encoding: 'utf8',
  });
}

const callsOf = (sandbox: Sandbox, command: string) => sandbox.calls().filter(([name]) => name === command);
const inRoot = (sandbox: Sandbox, file: string) => path.join(sandbox.root, file);
const installedFiles = [
  `/lib/systemd/system/${unitName}`,
  `/usr/share/polkit-1/actions/${policyFile}`,
  `/usr/share/polkit-1/rules.d/${rulesFile}`,
];

// --------------------------------------------------------------------------------------------------------------

describe('the systemd unit', () => {
  const unit = parseUnit(read(path.join(linuxDir, unitName)));

  it('starts the helper through the wrapper the post-install links, as root, on the agreed socket', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    const [execStart, ...more] = unitValues(unit, 'Service', 'ExecStart');
    expect(more).toEqual([]);
    expect(execStart?.split(/\s+/)).toEqual([
      wrapperLink,
      '--socket',
      '/run/backup-manager/helper.sock',
      '--state-dir',
      '/var/lib/backup-manager',
    ]);
    expect(unitValues(unit, 'Service', 'Environment')).toContain('ELECTRON_RUN_AS_NODE=1');
    expect(unitValues(unit, 'Service', 'Type')).toEqual(['simple']);
    expect(unitValues(unit, 'Service', 'User')).toEqual([]);
  });

  it('has its runtime and state directories, restarts on failure and starts at boot after local file systems', () => {
    expect(unitValues(unit, 'Service', 'RuntimeDirectory')).toEqual(['backup-manager']);
    expect(unitValues(unit, 'Service', 'RuntimeDirectoryMode')).toEqual(['0755']);
    expect(unitValues(unit, 'Service', 'StateDirectory')).toEqual(['backup-manager']);
    expect(unitValues(unit, 'Service', 'StateDirectoryMode')).toEqual(['0700']);
    expect(unitValues(unit, 'Service', 'Restart')).toEqual(['on-failure']);
    expect(unitValues(unit, 'Service', 'RestartSec')).toHaveLength(1);
    expect(unitValues(unit, 'Unit', 'After').join(' ').split(/\s+/)).toContain('local-fs.target');
    expect(unitValues(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
  });

  it('leaves out the hardening that would break snapshots, backing up /home or restoring the system', () => {
    const set = new Set((unit.get('Service') ?? []).map(([key]) => key));
    for (const key of [
      'ProtectSystem',
      'ProtectHome',
      'PrivateTmp',
      'ReadOnlyPaths',
      'PrivateDevices',
      'DevicePolicy',
      'ProtectClock',
      'ProtectKernelModules',
      'RestrictSUIDSGID',
      'MemoryDenyWriteExecute',
      'CapabilityBoundingSet',
      'UMask',
    ]) {
      expect(set.has(key), key).toBe(false);
    }
    expect(set.has('NoNewPrivileges')).toBe(true);
  });

  it.skipIf(which('systemd-analyze') === null)(
    'passes systemd-analyze verify, apart from the wrapper not being installed here',
    () => {
      const result = spawnSync('systemd-analyze', ['verify', path.join(linuxDir, unitName)], {
        encoding: 'utf8',
      });
      const complaints = `${result.stdout}\n${result.stderr}`
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.includes(`Command ${wrapperLink} is not executable`));
      expect(complaints).toEqual([]);
    },
  );

  it('parses what a broken unit looks like as an error', () => {
    expect(() => parseUnit('ExecStart=/bin/true\n')).toThrow(/not Key=Value in a section/);
  });
});

const restoreAction = 'org.backupmanager.restore';

describe('the polkit policy and rules', () => {
  const policy = read(path.join(linuxDir, policyFile));
  const rules = read(path.join(linuxDir, rulesFile));

  it('the policy is well-formed XML and the checker finds broken XML', () => {
    expect(xmlWellFormednessErrors(policy)).toEqual([]);
    expect(xmlWellFormednessErrors('<a><b></a></b>')).not.toEqual([]);
    expect(xmlWellFormednessErrors('<a x="1" x="2"/>')).not.toEqual([]);
    expect(xmlWellFormednessErrors('<a>&nbsp;</a>')).not.toEqual([]);
    expect(xmlWellFormednessErrors('<a/><b/>')).not.toEqual([]);
    expect(xmlWellFormednessErrors('<a><!-- x -- y --></a>')).not.toEqual([]);
  });

  it('binds the action to `pkexec /usr/bin/backup-manager-helper service ...` and nothing broader', () => {
    const ids = [...policy.matchAll(/<action id="([^"]+)">/g)].map((m) => m[1]);
    // The second is the one the helper asks pkcheck about before a restore writes (its own test reads this file).
    expect(ids).toEqual(['org.backupmanager.helper.manage', restoreAction]);
    const annotations = Object.fromEntries(
      [...policy.matchAll(/<annotate key="([^"]+)">([^<]*)<\/annotate>/g)].map((m) => [m[1], m[2]]),
    );
    expect(annotations).toEqual({
      'org.freedesktop.policykit.exec.path': wrapperLink,
      'org.freedesktop.policykit.exec.argv1': 'service',
    });
    expect(elementTexts(policy, 'allow_active')).toEqual(['auth_admin_keep', 'auth_admin_keep']);
    expect(elementTexts(policy, 'allow_any')).toEqual(['auth_admin', 'auth_admin']);
  });

  it('the rules name only actions the policy or systemd declare, the unit and the group', () => {
    const policyIds = [...policy.matchAll(/<action id="([^"]+)">/g)].map((m) => m[1]);
    const ruleIds = new Set(
      [...rules.matchAll(/'((?:org\.backupmanager|org\.freedesktop)\.[\w.-]+)'/g)].map((m) => m[1]),
    );
    // The restore action is left to its admin-only defaults: no rule names it.
    expect([...ruleIds].sort()).toEqual(
      [...policyIds.filter((id) => id !== restoreAction), 'org.freedesktop.systemd1.manage-units'].sort(),
    );
    expect(rules).toContain(`'${unitName}'`);
    expect(rules).toContain(`'${wrapperLink}'`);
    // polkit's JavaScript engine is ES5 (comments may say anything).
    expect(rules.replace(/\/\/.*$/gm, '')).not.toMatch(/=>|\blet\b|\bconst\b|`/);
  });

  it('lets group members start and restart the unit, and nothing else', () => {
    const added: Array<(action: unknown, subject: unknown) => unknown> = [];
    const Result = { YES: 'yes', NO: 'no', AUTH_ADMIN: 'auth_admin', AUTH_ADMIN_KEEP: 'auth_admin_keep' };
    vm.runInNewContext(rules, {
      polkit: { Result: { ...Result, NOT_HANDLED: null }, addRule: (rule: never) => added.push(rule) },
    });
    expect(added).toHaveLength(1);
    const ask = (id: string, details: Record<string, string>, groups: string[]) =>
      added[0]!(
        { id, lookup: (key: string) => details[key] },
        { user: 'alice', isInGroup: (group: string) => groups.includes(group) },
      );
    const manage = 'org.freedesktop.systemd1.manage-units';
    const member = ['users', 'backup-manager'];
    expect(ask(manage, { unit: unitName, verb: 'start' }, member)).toBe('yes');
    expect(ask(manage, { unit: unitName, verb: 'restart' }, member)).toBe('yes');
    expect(ask(manage, { unit: unitName, verb: 'stop' }, member)).toBeNull();
    expect(ask(manage, { unit: 'sshd.service', verb: 'start' }, member)).toBeNull();
    expect(ask(manage, { unit: unitName, verb: 'start' }, ['users'])).toBeNull();
    const pkexec = 'org.backupmanager.helper.manage';
    expect(ask(pkexec, { command_line: `${wrapperLink} service start` }, member)).toBe('yes');
    expect(ask(pkexec, { command_line: `${wrapperLink} service restart` }, member)).toBe('yes');
    expect(ask(pkexec, { command_line: `${wrapperLink} service stop` }, member)).toBeNull();
    expect(ask(pkexec, { command_line: `${wrapperLink} service start --socket /tmp/x` }, member)).toBeNull();
    expect(ask(pkexec, { command_line: `${wrapperLink} service start` }, ['users'])).toBeNull();
    expect(ask('org.freedesktop.login1.reboot', {}, member)).toBeNull();
    expect(ask(restoreAction, {}, member)).toBeNull();
  });
});

describe('the shell scripts', () => {
  it.each(shellScripts)('%s parses with sh -n, dash -n and (when installed) shellcheck', (script) => {
    const file = path.join(linuxDir, script);
    const shells = ['sh', 'dash'].filter((shell) => which(shell) !== null);
    expect(shells).toContain('sh');
    for (const shell of shells) expect(spawnSync(shell, ['-n', file], { encoding: 'utf8' }).stderr).toBe('');
    if (which('shellcheck') !== null) {
      const result = spawnSync('shellcheck', ['--shell=sh', file], { encoding: 'utf8' });
      expect(result.stdout).toBe('');
    }
    expect(read(file).split('\n')[0]).toBe('#!/bin/sh');
    expect(read(file)).toMatch(/^set -e$/m);
  });

  it.each(['deb-postinst.sh', 'deb-postrm.sh'])(
    '%s has no electron-builder template macro in it',
    (script) => {
      // FpmTarget's writeConfigFile replaces ${letters} and <%=letters%> and throws on unknown names.
      const text = read(path.join(linuxDir, script));
      expect(text.match(/\$\{[a-zA-Z]+\}/g)).toBeNull();
      expect(text).not.toContain('<%=');
    },
  );

  it('the deb scripts agree on the install directory and the executable, and those match the packaging', () => {
    const config = loadBuilderConfig();
    const pkg = JSON.parse(read(path.join(projectRoot, 'package.json'))) as { name: string };
    for (const script of ['deb-postinst.sh', 'deb-postrm.sh']) {
      const text = read(path.join(linuxDir, script));
      // electron-builder installs the deb to /opt/<productName>; the executable is the package name, lowercased.
      expect(/^BM_INSTALL_DIR='([^']*)'$/m.exec(text)?.[1]).toBe(`/opt/${config.productName}`);
      expect(/^BM_EXECUTABLE=(\S+)$/m.exec(text)?.[1]).toBe(pkg.name.toLowerCase());
    }
    expect(installDir).toBe(`/opt/${config.productName}`);
  });

  it('repeat every step of the electron-builder templates they replace', () => {
    const templates = path.join(projectRoot, 'node_modules', 'app-builder-lib', 'templates', 'linux');
    const postinst = read(path.join(linuxDir, 'deb-postinst.sh'));
    const postrm = read(path.join(linuxDir, 'deb-postrm.sh'));
    const afterInstall = read(path.join(templates, 'after-install.tpl'));
    const afterRemove = read(path.join(templates, 'after-remove.tpl'));
    for (const step of [
      'update-alternatives',
      'chrome-sandbox',
      'update-mime-database',
      'update-desktop-database',
    ]) {
      expect(afterInstall).toContain(step);
      expect(postinst).toContain(step);
    }
    expect(postinst).toContain('apparmor_parser --replace');
    expect(postrm).toContain('update-alternatives --remove');
    expect(postrm).toContain('apparmor_parser --remove');
    // Pinned: when an electron-builder update changes a template, repeat the change in deb-postinst.sh or
    // deb-postrm.sh, then update the hash here.
    const sha = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
    expect({ afterInstall: sha(afterInstall), afterRemove: sha(afterRemove) }).toEqual({
      afterInstall: '228d700c9698f3d8',
      afterRemove: 'c454c4d77e217575',
    });
  });
});

describe('deb-postinst.sh on a fake root', () => {
  it('installs the unit, polkit files and wrapper link, creates the group once and enables the unit once', () => {
    const box = makeSandbox({ systemd: true, user: { SUDO_USER: 'alice' } });
    const firstOutput = runScript(box, 'deb-postinst.sh', 'configure', '');
    expect(firstOutput).toContain('log out and back in');
    for (const file of installedFiles) {
      const installed = inRoot(box, file);
      expect(read(installed)).toBe(read(path.join(linuxDir, path.basename(file))));
      expect(statSync(installed).mode & 0o777).toBe(0o644);
    }
    expect(readlinkSync(inRoot(box, wrapperLink))).toBe(`${installedAssets}/backup-manager-helper`);
    expect(statSync(inRoot(box, `${installedAssets}/backup-manager-helper`)).mode & 0o111).toBe(0o111);
    expect(readlinkSync(inRoot(box, '/usr/bin/backup-manager'))).toBe(`${installDir}/backup-manager`);
    expect(box.groups()).toContain('backup-manager:x:999:alice\n');
    expect(callsOf(box, 'systemctl')).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', unitName],
    ]);

    box.clearCalls();
    const secondOutput = runScript(box, 'deb-postinst.sh', 'configure', '0.1.0');
    expect(secondOutput).not.toContain('log out and back in');
    const commands = box.calls().map(([name]) => name);
    expect(commands).not.toContain('groupadd');
    expect(commands).not.toContain('usermod');
    // An upgrade restarts a running helper and leaves enable/disable to the administrator.
    expect(callsOf(box, 'systemctl')).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'try-restart', unitName],
    ]);
    expect(box.groups().match(/^backup-manager:/gm)).toHaveLength(1);
    expect(readlinkSync(inRoot(box, wrapperLink))).toBe(`${installedAssets}/backup-manager-helper`);
  });

  it("the unit's ExecStart is the link the post-install makes", () => {
    const box = makeSandbox({ systemd: false });
    runScript(box, 'deb-postinst.sh', 'configure', '');
    const unit = parseUnit(read(inRoot(box, `/lib/systemd/system/${unitName}`)));
    const binary = unitValues(unit, 'Service', 'ExecStart')[0]!.split(/\s+/)[0]!;
    expect(lstatSync(inRoot(box, binary)).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(box.root, readlinkSync(inRoot(box, binary))))).toBe(true);
  });

  it('does not touch systemd when it is not running, and says how to start the helper', () => {
    const box = makeSandbox({ systemd: false });
    const output = runScript(box, 'deb-postinst.sh', 'configure', '');
    expect(callsOf(box, 'systemctl')).toEqual([]);
    expect(output).toContain(`systemctl enable --now ${unitName}`);
    expect(existsSync(inRoot(box, `/lib/systemd/system/${unitName}`))).toBe(true);
  });

  it('adds the pkexec user, and nobody when neither sudo nor pkexec names one (or it is root)', () => {
    const viaPkexec = makeSandbox({ systemd: false, user: { PKEXEC_UID: '1000' } });
    runScript(viaPkexec, 'deb-postinst.sh', 'configure', '');
    expect(callsOf(viaPkexec, 'usermod')).toEqual([['usermod', '-a', '-G', 'backup-manager', 'alice']]);
    for (const user of [{}, { SUDO_USER: 'root' }, { PKEXEC_UID: '0' }, { SUDO_USER: 'nosuchuser' }]) {
      const box = makeSandbox({ systemd: false, user });
      runScript(box, 'deb-postinst.sh', 'configure', '');
      expect(callsOf(box, 'usermod')).toEqual([]);
      expect(callsOf(box, 'groupadd')).toEqual([['groupadd', '--system', 'backup-manager']]);
    }
  });

  it('registers the launcher with update-alternatives where it exists', () => {
    const box = makeSandbox({ systemd: false, alternatives: true });
    runScript(box, 'deb-postinst.sh', 'configure', '');
    expect(callsOf(box, 'update-alternatives')).toEqual([
      [
        'update-alternatives',
        '--install',
        '/usr/bin/backup-manager',
        'backup-manager',
        `${installDir}/backup-manager`,
        '100',
      ],
    ]);
    // Without working user namespaces (no unshare here) Chromium needs the SUID sandbox.
    expect(statSync(inRoot(box, `${installDir}/chrome-sandbox`)).mode & 0o7777).toBe(0o4755);
  });
});

describe('deb-postrm.sh on a fake root', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = makeSandbox({ systemd: true, user: { SUDO_USER: 'alice' } });
    runScript(box, 'deb-postinst.sh', 'configure', '');
    mkdirSync(inRoot(box, '/var/lib/backup-manager'), { recursive: true });
    writeFileSync(inRoot(box, '/var/lib/backup-manager/journal.sqlite'), 'x');
    box.clearCalls();
  });

  it('upgrade: leaves everything in place', () => {
    runScript(box, 'deb-postrm.sh', 'upgrade', '0.2.0');
    expect(box.calls()).toEqual([]);
    for (const file of [...installedFiles, wrapperLink]) expect(lstatSync(inRoot(box, file))).toBeTruthy();
  });

  it('remove: stops and disables the unit, deletes what the post-install installed, keeps group and state', () => {
    runScript(box, 'deb-postrm.sh', 'remove');
    expect(callsOf(box, 'systemctl')).toEqual([
      ['systemctl', 'disable', '--now', unitName],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'reset-failed', unitName],
    ]);
    for (const file of [...installedFiles, wrapperLink, '/usr/bin/backup-manager']) {
      expect(existsSync(inRoot(box, file)) || isLink(inRoot(box, file)), file).toBe(false);
    }
    expect(box.groups()).toContain('backup-manager:');
    expect(existsSync(inRoot(box, '/var/lib/backup-manager/journal.sqlite'))).toBe(true);
    // Run twice (dpkg may after a failure): same result, no error.
    box.clearCalls();
    runScript(box, 'deb-postrm.sh', 'remove');
    expect(callsOf(box, 'systemctl')).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'reset-failed', unitName],
    ]);
  });

  it('purge (after remove, as dpkg does): also removes the group and the state directory, once', () => {
    runScript(box, 'deb-postrm.sh', 'remove');
    runScript(box, 'deb-postrm.sh', 'purge');
    expect(existsSync(inRoot(box, '/var/lib/backup-manager'))).toBe(false);
    expect(box.groups()).not.toContain('backup-manager:');
    expect(callsOf(box, 'groupdel')).toEqual([['groupdel', 'backup-manager']]);
    runScript(box, 'deb-postrm.sh', 'purge');
    expect(callsOf(box, 'groupdel')).toHaveLength(1);
  });

  it('remove without systemd running: no systemctl call', () => {
    rmSync(inRoot(box, '/run/systemd'), { recursive: true });
    runScript(box, 'deb-postrm.sh', 'remove');
    expect(callsOf(box, 'systemctl')).toEqual([]);
    expect(existsSync(inRoot(box, `/lib/systemd/system/${unitName}`))).toBe(false);
  });
});

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

describe('the backup-manager-helper wrapper', () => {
  function fakeInstall(): { box: Sandbox; link: string; helperScript: string } {
    const box = makeSandbox({ systemd: false });
    // The "Electron binary" prints what it was started with.
    writeFileSync(
      path.join(box.root, installDir, 'backup-manager'),
      '#!/bin/sh\necho "ELECTRON_RUN_AS_NODE=$ELECTRON_RUN_AS_NODE"\nfor a in "$@"; do echo "$a"; done\n',
      { mode: 0o755 },
    );
    const wrapper = path.join(box.root, installedAssets, 'backup-manager-helper');
    chmodSync(wrapper, 0o755);
    const link = path.join(box.root, 'wrapper-link');
    symlinkSync(wrapper, link);
    return {
      box,
      link,
      helperScript: path.join(box.root, installDir, 'resources/app.asar/out/main/helper.js'),
    };
  }
  const run = (box: Sandbox, link: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(link, args, { env: { ...box.env, ...env }, encoding: 'utf8' });

  it('runs the helper script through the app binary as Node, from wherever it is linked', () => {
    const { box, link, helperScript } = fakeInstall();
    const result = run(box, link, ['--socket', '/tmp/dev.sock', '--test-mode']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'ELECTRON_RUN_AS_NODE=1',
      helperScript,
      '--socket',
      '/tmp/dev.sock',
      '--test-mode',
      '',
    ]);
  });

  it('service start|restart|stop asks systemctl; anything else is refused', () => {
    const { box, link } = fakeInstall();
    expect(run(box, link, ['service', 'start'], { PKEXEC_UID: '1000' }).status).toBe(0);
    expect(run(box, link, ['service', 'restart']).status).toBe(0);
    expect(callsOf(box, 'systemctl')).toEqual([
      ['systemctl', 'start', unitName],
      ['systemctl', 'restart', unitName],
    ]);
    expect(run(box, link, ['service', 'enable']).status).toBe(2);
    expect(run(box, link, ['service']).status).toBe(2);
    expect(callsOf(box, 'systemctl')).toHaveLength(2);
  });

  it('under pkexec, refuses to run a helper (a root helper on a socket of the caller’s choosing)', () => {
    const { box, link } = fakeInstall();
    const result = run(box, link, ['--socket', '/tmp/mine.sock'], { PKEXEC_UID: '1000' });
    expect(result.status).toBe(126);
    expect(result.stdout).toBe('');
  });
});

// --- Windows --------------------------------------------------------------------------------------------------

describe('the Windows service definition and NSIS include', () => {
  const xml = read(path.join(windowsDir, 'backup-service-controller.xml'));
  const nsh = read(path.join(windowsDir, 'backup-service-controller.nsh'));
  const defineOf = (name: string) => new RegExp(`^!define ${name} "([^"]*)"$`, 'm').exec(nsh)?.[1];

  it('the WinSW definition is well-formed and runs the app binary as Node on the helper script', () => {
    expect(xmlWellFormednessErrors(xml)).toEqual([]);
    expect(elementTexts(xml, 'id')).toEqual(['BackupServiceController']);
    expect(elementTexts(xml, 'name')).toEqual(['Backup Service Controller']);
    expect(elementTexts(xml, 'startmode')).toEqual(['Automatic']);
    expect(xml).toMatch(/<env name="ELECTRON_RUN_AS_NODE" value="1"\/>/);
    expect(xml).toMatch(/<onfailure action="restart"/);
    const [args] = elementTexts(xml, 'arguments');
    expect(args).toContain('--socket \\\\.\\pipe\\backup-manager-helper');
    expect(args).toContain('--state-dir "%ProgramData%\\Backup Manager\\helper"');
  });

  it('its relative paths lead from resources\\resources\\windows to the app executable and app.asar', () => {
    const config = loadBuilderConfig();
    const instDir = 'C:\\Program Files\\Backup Manager';
    const base = path.win32.join(instDir, 'resources', 'resources', 'windows');
    const expand = (value: string) => path.win32.normalize(value.replaceAll('%BASE%', base));
    expect(expand(elementTexts(xml, 'executable')[0]!)).toBe(
      path.win32.join(instDir, `${config.productName}.exe`),
    );
    const script = /^"([^"]+)"/.exec(elementTexts(xml, 'arguments')[0]!)?.[1];
    expect(expand(script!)).toBe(
      path.win32.join(instDir, 'resources', 'app.asar', 'out', 'main', 'helper.js'),
    );
  });

  it('registers that service under the same name, with the WinSW executable named after the XML', () => {
    expect(defineOf('BSC_SERVICE')).toBe(elementTexts(xml, 'id')[0]);
    expect(defineOf('BSC_DISPLAY_NAME')).toBe(elementTexts(xml, 'name')[0]);
    expect(defineOf('BSC_WRAPPER')).toBe(
      '$INSTDIR\\resources\\resources\\windows\\backup-service-controller.exe',
    );
    expect(nsh).toMatch(/create \$\{BSC_SERVICE\} binPath= "\\"\$\{BSC_WRAPPER\}\\"" start= auto/);
    expect(nsh).toMatch(/sc\.exe" failure \$\{BSC_SERVICE\} reset= \d+ actions= restart\//);
    expect(nsh).toMatch(/sc\.exe" delete \$\{BSC_SERVICE\}/);
  });

  it('defines the electron-builder hooks with balanced macros, ifs and stack use', () => {
    const lines = nsh.split('\n').map((line) => line.replace(/^\s*;.*$/, '').trim());
    const macros = new Map<string, string[]>();
    let current: string[] | null = null;
    for (const line of lines) {
      const start = /^!macro (\w+)/.exec(line);
      if (start) {
        expect(current).toBeNull();
        current = [];
        macros.set(start[1]!, current);
      } else if (line === '!macroend') {
        expect(current).not.toBeNull();
        current = null;
      } else if (current !== null && line !== '') current.push(line);
    }
    expect(current).toBeNull();
    expect([...macros.keys()].sort()).toEqual(
      ['bscStopService', 'customInit', 'customInstall', 'customUnInit', 'customUnInstall'].sort(),
    );
    for (const [name, body] of macros) {
      const count = (re: RegExp) => body.filter((line) => re.test(line)).length;
      expect(count(/^\$\{(If|IfNot)\}/), name).toBe(count(/^\$\{EndIf\}/));
      // nsExec leaves its exit code on the stack: every call is followed by a Pop, and what a macro pushes it pops.
      body.forEach((line, i) => {
        if (line.startsWith('nsExec::')) expect(body[i + 1], `${name}: ${line}`).toBe('Pop $0');
      });
      expect(count(/^Pop /), name).toBe(count(/^Push /) + count(/^nsExec::/));
    }
  });
});

// --- electron-builder.yml -------------------------------------------------------------------------------------

interface BuilderConfig {
  productName: string;
  extraResources: Array<{ from: string; to: string } | string>;
  deb: { afterInstall?: string; afterRemove?: string };
  nsis: { include?: string };
}

function loadBuilderConfig(): BuilderConfig {
  // js-yaml comes with electron-builder; the project does not depend on a YAML parser of its own.
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  return yaml.load(read(path.join(projectRoot, 'electron-builder.yml'))) as BuilderConfig;
}

describe('electron-builder.yml', () => {
  const config = loadBuilderConfig();

  it('wires the deb scripts and the NSIS include, and they exist', () => {
    expect(config.deb.afterInstall).toBe('resources/linux/deb-postinst.sh');
    expect(config.deb.afterRemove).toBe('resources/linux/deb-postrm.sh');
    expect(config.nsis.include).toBe('resources/windows/backup-service-controller.nsh');
    for (const file of [config.deb.afterInstall, config.deb.afterRemove, config.nsis.include]) {
      expect(statSync(path.join(projectRoot, file!)).isFile(), file).toBe(true);
    }
  });

  it('ships resources/ (with linux/ and windows/) to <resourcesPath>/resources', () => {
    expect(config.extraResources).toContainEqual(
      expect.objectContaining({ from: 'resources', to: 'resources' }),
    );
    for (const dir of [linuxDir, windowsDir]) expect(readdirSync(dir).length).toBeGreaterThan(0);
  });
});
