/**
 * A small, strict argument parser for the `backup-manager` command line: long options (`--name value`,
 * `--name=value`), boolean flags, repeatable options, positionals, and `--` to end options. Unknown options are
 * usage errors, never ignored.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** Takes a value (`--repo PATH`); otherwise a boolean flag. */
  value?: boolean;
  /** May be given several times (values collected in order). */
  repeat?: boolean;
  /** One-letter alias, e.g. `q` for `-q`. */
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
  options: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], specs: OptionSpecs): ParsedArgs {
  const parsed: ParsedArgs = { options: new Map(), flags: new Set(), positionals: [] };
  const shortNames = new Map(
    Object.entries(specs).flatMap(([name, spec]) => (spec.short ? [[spec.short, name]] : [])),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    } else if (/^-[A-Za-z]$/.test(arg)) {
      name = shortNames.get(arg.slice(1));
      if (name === undefined) throw new UsageError(`unknown option ${arg}`);
    } else {
      parsed.positionals.push(arg);
      continue;
    }
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`unknown option --${name}`);
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    const values = parsed.options.get(name) ?? [];
    if (values.length > 0 && !spec.repeat) throw new UsageError(`--${name} given twice`);
    values.push(value);
    parsed.options.set(name, values);
  }
  return parsed;
}

/** The single value of an option, or undefined. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0];
}
