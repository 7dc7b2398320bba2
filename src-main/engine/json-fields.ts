/**
 * Reading the fields of restic's small JSON files (config, key files, the master key, snapshots, locks) the way
 * Go's json.Unmarshal does: unknown fields are ignored, a missing or null field keeps its zero value unless the
 * caller requires it, and a value of the wrong type is an error. Every problem is collected and reported at once
 * as CORRUPT naming the file. Hand-written rather than a schema library: the engine runs in every backup and
 * restore, and loading a schema library cost ~10 MiB of resident memory per process for five tiny objects.
 */
import { EngineError } from './errors';

export class JsonFields {
  private readonly fields: Record<string, unknown>;

  /**
   * `what` names the file, `kind` what it should be ("config", "lock"…), both for the error message. A nested
   * object shares its parent's `problems`, its fields named with `prefix`.
   */
  constructor(
    value: unknown,
    private readonly what: string,
    private readonly kind: string,
    private readonly problems: string[] = [],
    private readonly prefix = '',
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new EngineError('CORRUPT', `${what}: invalid ${kind} (not a JSON object)`);
    }
    this.fields = value as Record<string, unknown>;
  }

  /** A string; `undefined` when absent or null unless `required`. `check` returns a problem or null. */
  string(name: string, options: { required: true; check?: StringCheck }): string;
  string(name: string, options?: { required?: false; check?: StringCheck }): string | undefined;
  string(name: string, options: { required?: boolean; check?: StringCheck } = {}): string | undefined {
    const value = this.present(name, options.required);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return this.wrong(name, 'a string', value);
    const problem = options.check?.(value) ?? null;
    if (problem !== null) {
      this.problems.push(`${this.prefix}${name}: ${problem}`);
      return undefined;
    }
    return value;
  }

  /** An integer within [min, max] (default: any safe integer). */
  integer(name: string, options: { required: true; min?: number; max?: number }): number;
  integer(name: string, options?: { required?: false; min?: number; max?: number }): number | undefined;
  integer(
    name: string,
    options: { required?: boolean; min?: number; max?: number } = {},
  ): number | undefined {
    const value = this.present(name, options.required);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      return this.wrong(name, 'an integer', value);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    if (value < min || value > max) {
      this.problems.push(`${this.prefix}${name}: ${value} is outside ${min}…${max}`);
      return undefined;
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.present(name, false);
    if (value === undefined) return undefined;
    return typeof value === 'boolean' ? value : this.wrong(name, 'true or false', value);
  }

  /** A list of strings; `undefined` when absent or null. */
  strings(name: string): string[] | undefined {
    const value = this.present(name, false);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
      return this.wrong(name, 'a list of strings', value);
    return value as string[];
  }

  /** The nested object `name` (required), read with the same rules and reported under this file. */
  object(name: string): JsonFields | undefined {
    const value = this.present(name, true);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return this.wrong(name, 'an object', value);
    return new JsonFields(value, this.what, this.kind, this.problems, `${this.prefix}${name}.`);
  }

  /** Throws CORRUPT listing every problem found so far; call after reading the fields. */
  done(): void {
    if (this.problems.length > 0) {
      throw new EngineError('CORRUPT', `${this.what}: invalid ${this.kind} (${this.problems.join('; ')})`);
    }
  }

  private present(name: string, required: boolean | undefined): unknown {
    const value = Object.hasOwn(this.fields, name) ? this.fields[name] : undefined;
    if (value === undefined || value === null) {
      if (required) this.problems.push(`${this.prefix}${name}: missing`);
      return undefined;
    }
    return value;
  }

  private wrong(name: string, expected: string, value: unknown): undefined {
    const actual = Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
    this.problems.push(`${this.prefix}${name}: expected ${expected}, got ${actual}`);
    return undefined;
  }
}

/** Returns why a string is not acceptable, or null. */
export type StringCheck = (value: string) => string | null;

/** A check from a predicate and the problem it names. */
export function checkWith(test: (value: string) => boolean, problem: string): StringCheck {
  return (value) => (test(value) ? null : problem);
}

export const base64Check = checkWith((s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s), 'not base64');
