/**
 * The network interfaces that the backed-up network configuration refers to, by name or MAC, so that the
 * compatibility report can say which of them a replacement machine lacks (its configuration would bring no network
 * up on them). One reader per configuration system: ifupdown, netplan (netplan-references.ts), NetworkManager
 * keyfiles, systemd-networkd, udev persistent-net rules and Red Hat ifcfg files.
 *
 * What is a reference: a name or MAC that must exist on the machine for the setting to apply. Devices that the
 * configuration itself creates (bridges, bonds, VLANs, tunnels) are not references, but the physical ports they are
 * built on are (`bridge_ports eth0`, `vlan-raw-device eth0`, netplan `interfaces: [eth0]`). A VLAN interface name
 * (`eth0.100`) refers to its parent and an alias (`eth0:1`) to its base. Settings that *assign* a name or MAC
 * (netplan `set-name`/`macaddress`, NetworkManager `cloned-mac-address`, ifcfg `MACADDR`, networkd `[Link] Name=`)
 * are not references either. MACs are returned in the manifest's form (lower case, colons); `lo` is ignored.
 */
import type { ConfigFileRole } from './config-text';
import {
  configFileRole,
  isUuidLike,
  normalizeMac,
  physicalName,
  textLines,
  uncommented,
} from './config-text';
import { netplanReferences } from './netplan-references';
import type { InterfaceReference, RecordedFile } from './restore-analysis-model';

export function findInterfaceReferences(files: RecordedFile[]): InterfaceReference[] {
  const withRole = (role: ConfigFileRole) => files.filter((f) => configFileRole(f.path) === role);
  const refs = [
    ...ifupdownReferences(withRole('ifupdown')),
    ...netplanReferences(withRole('netplan')),
    ...withRole('networkmanager').flatMap(networkManagerReferences),
    ...networkdReferences(
      withRole('networkd-network'),
      withRole('networkd-link'),
      withRole('networkd-netdev'),
    ),
    ...withRole('udev-net').flatMap(udevReferences),
    ...withRole('ifcfg').flatMap(ifcfgReferences),
  ].filter((r) => r.name !== 'lo');
  const order = new Map(files.map((f, i) => [f.path, i]));
  return refs.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line);
}

function nameRef(file: string, line: number, name: string | null): InterfaceReference[] {
  return name === null ? [] : [{ file, line, name, mac: null }];
}

function macRef(file: string, line: number, text: string, name: string | null = null): InterfaceReference[] {
  const mac = normalizeMac(text);
  return mac === null ? [] : [{ file, line, name, mac }];
}

// ifupdown (/etc/network/interfaces and interfaces.d) ------------------------------------------------------------

/** Stanza options that make the interface a device ifupdown creates rather than a port that must exist. */
const ifupdownVirtualOptions = new Set([
  'bridge_ports',
  'bridge-ports',
  'bond-slaves',
  'bond_slaves',
  'slaves',
  'bond-mode',
  'bond_mode',
  'vlan-raw-device',
  'vlan_raw_device',
  'ovs_type',
  'vxlan-id',
]);
/** Options whose values name the ports a virtual device is built on. */
const ifupdownPortOptions = new Set([
  'bridge_ports',
  'bridge-ports',
  'bond-slaves',
  'bond_slaves',
  'slaves',
  'bond-primary',
  'vlan-raw-device',
  'vlan_raw_device',
]);

function ifupdownReferences(files: RecordedFile[]): InterfaceReference[] {
  interface Stanza {
    name: string;
    line: number;
    method: string;
    options: { key: string; values: string[]; line: number }[];
  }
  const perFile = files.map((file) => {
    const stanzas: Stanza[] = [];
    const marks: { names: string[]; line: number }[] = [];
    let current: Stanza | null = null;
    textLines(file.text).forEach((raw, i) => {
      const words = uncommented(raw).trim().split(/\s+/).filter(Boolean);
      const [keyword, ...rest] = words;
      if (keyword === undefined) return;
      if (keyword === 'iface') {
        current = { name: rest[0] ?? '', line: i + 1, method: rest[2] ?? '', options: [] };
        stanzas.push(current);
      } else if (keyword === 'auto' || keyword.startsWith('allow-')) {
        marks.push({ names: rest, line: i + 1 });
        current = null;
      } else if (
        ['mapping', 'source', 'source-directory', 'rename', 'no-auto-down', 'no-scripts'].includes(keyword)
      ) {
        current = null;
      } else if (current !== null) {
        (current as Stanza).options.push({ key: keyword, values: rest, line: i + 1 });
      }
    });
    return { file: file.path, stanzas, marks };
  });
  const virtual = new Set(
    perFile.flatMap((f) =>
      f.stanzas
        .filter((s) => s.method === 'tunnel' || s.options.some((o) => ifupdownVirtualOptions.has(o.key)))
        .map((s) => s.name),
    ),
  );
  return perFile.flatMap(({ file, stanzas, marks }) => [
    ...marks.flatMap((m) => m.names.flatMap((n) => nameRef(file, m.line, physicalName(n, virtual)))),
    ...stanzas.flatMap((s) => [
      ...nameRef(file, s.line, physicalName(s.name, virtual)),
      ...s.options
        .filter((o) => ifupdownPortOptions.has(o.key))
        .flatMap((o) =>
          o.values
            .filter((v) => v !== 'none' && v !== 'all')
            .flatMap((v) => nameRef(file, o.line, physicalName(v, virtual))),
        ),
    ]),
  ]);
}

// INI-style files (NetworkManager keyfiles, systemd-networkd) ---------------------------------------------------

interface IniEntry {
  section: string;
  key: string;
  value: string;
  line: number;
}

function iniEntries(text: string, commentChars = '#;'): IniEntry[] {
  const entries: IniEntry[] = [];
  let section = '';
  textLines(text).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || commentChars.includes(line[0] as string)) return;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = (header[1] as string).trim();
      return;
    }
    const eq = line.indexOf('=');
    if (eq > 0)
      entries.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim(), line: i + 1 });
  });
  return entries;
}

/** NetworkManager connection types whose interface-name is a device NetworkManager creates. */
const nmVirtualTypes = new Set([
  'bond',
  'bridge',
  'vlan',
  'team',
  'wireguard',
  'tun',
  'dummy',
  'vpn',
  'loopback',
  'ip-tunnel',
  'macvlan',
  'vxlan',
  'veth',
  'vrf',
  'ovs-bridge',
  'ovs-port',
  'ovs-interface',
]);
const nmDeviceSections = new Set(['ethernet', '802-3-ethernet', 'wifi', '802-11-wireless', 'infiniband']);

function networkManagerReferences(file: RecordedFile): InterfaceReference[] {
  const entries = iniEntries(file.text);
  const type = entries.find((e) => e.section === 'connection' && e.key === 'type')?.value ?? '';
  const refs: InterfaceReference[] = [];
  for (const e of entries) {
    if (e.section === 'connection' && e.key === 'interface-name' && !nmVirtualTypes.has(type))
      refs.push(...nameRef(file.path, e.line, physicalName(e.value, new Set())));
    else if (nmDeviceSections.has(e.section) && e.key === 'mac-address')
      refs.push(...macRef(file.path, e.line, e.value));
    // A VLAN's or macvlan's parent is an interface name or the UUID of another connection.
    else if ((e.section === 'vlan' || e.section === 'macvlan') && e.key === 'parent' && !isUuidLike(e.value))
      refs.push(...nameRef(file.path, e.line, physicalName(e.value, new Set())));
  }
  return refs;
}

function networkdReferences(
  networks: RecordedFile[],
  links: RecordedFile[],
  netdevs: RecordedFile[],
): InterfaceReference[] {
  const virtual = new Set(
    netdevs.flatMap((f) =>
      iniEntries(f.text)
        .filter((e) => e.section === 'NetDev' && e.key === 'Name')
        .map((e) => e.value),
    ),
  );
  const nameKeys = { network: ['Name'], link: ['OriginalName'] };
  const read = (file: RecordedFile, keys: string[]) =>
    iniEntries(file.text)
      .filter((e) => e.section === 'Match')
      .flatMap((e) => {
        // Values are space-separated lists; `!` negates (the file applies to everything else).
        const values = e.value.split(/\s+/).filter((v) => v !== '' && !v.startsWith('!'));
        if (keys.includes(e.key))
          return values.flatMap((v) => nameRef(file.path, e.line, physicalName(v, virtual)));
        if (e.key === 'MACAddress' || e.key === 'PermanentMACAddress')
          return values.flatMap((v) => macRef(file.path, e.line, v));
        return [];
      });
  return [
    ...networks.flatMap((f) => read(f, nameKeys.network)),
    ...links.flatMap((f) => read(f, nameKeys.link)),
  ];
}

// udev persistent-net rules -------------------------------------------------------------------------------------

/** `… ATTR{address}=="08:00:27:…", … NAME="eth0"`: the rule gives the adapter with that MAC its name. */
function udevReferences(file: RecordedFile): InterfaceReference[] {
  return textLines(file.text).flatMap((raw, i) => {
    const line = uncommented(raw);
    const address = /ATTRS?\{address\}=="([^"]+)"/.exec(line)?.[1];
    if (address === undefined) return [];
    const name = /(?:^|[\s,])NAME:?="([^"]+)"/.exec(line)?.[1] ?? null;
    return macRef(file.path, i + 1, address, name === 'lo' ? null : name);
  });
}

// Red Hat ifcfg files -------------------------------------------------------------------------------------------

const ifcfgVirtualTypes = new Set([
  'bridge',
  'bond',
  'vlan',
  'team',
  'ovsbridge',
  'ovsintport',
  'tap',
  'tun',
  'ipip',
  'gre',
]);

function ifcfgReferences(file: RecordedFile): InterfaceReference[] {
  const values = new Map<string, { value: string; line: number }>();
  textLines(file.text).forEach((raw, i) => {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(uncommented(raw).trimEnd());
    if (m)
      values.set(m[1] as string, { value: (m[2] as string).replace(/^(["'])(.*)\1$/, '$2'), line: i + 1 });
  });
  const type = (values.get('TYPE')?.value ?? '').toLowerCase();
  const refs: InterfaceReference[] = [];
  const device = values.get('DEVICE');
  // A VLAN device (`eth0.100`) depends on its parent; bridges, bonds and tunnels are created by the scripts.
  if (device && (!ifcfgVirtualTypes.has(type) || type === 'vlan'))
    refs.push(...nameRef(file.path, device.line, physicalName(device.value, new Set())));
  const physdev = values.get('PHYSDEV');
  if (physdev) refs.push(...nameRef(file.path, physdev.line, physicalName(physdev.value, new Set())));
  const hwaddr = values.get('HWADDR');
  if (hwaddr) refs.push(...macRef(file.path, hwaddr.line, hwaddr.value));
  return refs;
}
