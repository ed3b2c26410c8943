/**
 * A field reader that validates a plain object against a schema written as code.
 *
 * Each accessor checks one field, records a {@link ValidationError} with the full path when the
 * value is wrong, and returns the value (or its default) so that validation continues: every
 * error of an object is reported in one pass. Fields never read are reported as warnings and
 * dropped, which is what the API server's structural-schema pruning does to them.
 *
 * @module
 */
import { type ValidationError, validationError, type Warning } from './diagnostics.js';
import { type LabelSelector, parseSelector } from './selector.js';

/** Collects the errors and warnings of one object. */
export class FieldReader {
  /** Validation errors found so far. */
  readonly errors: ValidationError[] = [];
  /** Warnings found so far. */
  readonly warnings: Warning[] = [];

  /** @param object - the object's name in messages (`Kind/name`). */
  constructor(readonly object: string) {}

  /** Records an error at `path`. */
  error(path: string, reason: string): void {
    this.errors.push(validationError(this.object, path, reason));
  }

  /** Records a warning at `path`. */
  warn(path: string, message: string): void {
    this.warnings.push({ object: this.object, path, message });
  }

  /** Wraps `value` (found at `path`) as a mapping, or records an error and returns undefined. */
  record(path: string, value: unknown): Rec | undefined {
    if (!isPlainObject(value)) {
      this.error(path, 'must be an object');
      return undefined;
    }
    return new Rec(this, path, value);
  }
}

/** Options shared by the scalar accessors. */
export interface FieldOptions<T> {
  /** Record "required" when the field is absent. */
  readonly required?: boolean;
  /** Value returned when the field is absent. */
  readonly default?: T;
}

/** Bounds for integer fields. */
export interface IntOptions extends FieldOptions<number> {
  /** Smallest accepted value. */
  readonly min?: number;
  /** Largest accepted value. */
  readonly max?: number;
}

/** Bounds for string fields. */
export interface StringOptions extends FieldOptions<string> {
  /** Shortest accepted length. */
  readonly minLength?: number;
  /** Longest accepted length. */
  readonly maxLength?: number;
}

/** A mapping under validation, remembering which keys were read. */
export class Rec {
  private readonly used = new Set<string>();

  /**
   * @param reader - where problems are recorded
   * @param path - this mapping's path (`''` for the document root)
   * @param value - the mapping itself
   */
  constructor(
    readonly reader: FieldReader,
    readonly path: string,
    readonly value: Readonly<Record<string, unknown>>,
  ) {}

  /** Path of a child key. */
  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** True when `key` is present and not null. */
  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  /** The raw value of `key` (null counts as absent), marking it as read. */
  raw(key: string): unknown {
    this.used.add(key);
    const v = this.value[key];
    return v === null ? undefined : v;
  }

  private absent<T>(key: string, opts: FieldOptions<T>): T | undefined {
    if (opts.required) this.reader.error(this.at(key), 'required');
    return opts.default;
  }

  /** A string field. */
  str(key: string, opts: StringOptions = {}): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return this.absent(key, opts);
    if (typeof v !== 'string') {
      this.reader.error(this.at(key), 'must be a string');
      return opts.default;
    }
    if (opts.minLength !== undefined && v.length < opts.minLength) {
      this.reader.error(this.at(key), `must be at least ${opts.minLength} characters`);
    } else if (opts.maxLength !== undefined && v.length > opts.maxLength) {
      this.reader.error(this.at(key), `must be at most ${opts.maxLength} characters`);
    }
    return v;
  }

  /** An integer field, range-checked. */
  int(key: string, opts: IntOptions = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return this.absent(key, opts);
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.reader.error(this.at(key), 'must be an integer');
      return opts.default;
    }
    if (opts.min !== undefined && v < opts.min) {
      this.reader.error(this.at(key), `must be at least ${opts.min}`);
    } else if (opts.max !== undefined && v > opts.max) {
      this.reader.error(this.at(key), `must be at most ${opts.max}`);
    }
    return v;
  }

  /** A boolean field. */
  bool(key: string, opts: FieldOptions<boolean> = {}): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return this.absent(key, opts);
    if (typeof v !== 'boolean') {
      this.reader.error(this.at(key), 'must be a boolean');
      return opts.default;
    }
    return v;
  }

  /** A string field restricted to `values`. */
  enum<T extends string>(
    key: string,
    values: readonly T[],
    opts: FieldOptions<T> = {},
  ): T | undefined {
    const v = this.raw(key);
    if (v === undefined) return this.absent(key, opts);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.reader.error(this.at(key), `must be one of ${values.join(', ')}`);
      return opts.default;
    }
    return v as T;
  }

  /** A nested mapping. */
  rec(key: string, opts: { readonly required?: boolean } = {}): Rec | undefined {
    const v = this.raw(key);
    if (v === undefined) {
      if (opts.required) this.reader.error(this.at(key), 'required');
      return undefined;
    }
    return this.reader.record(this.at(key), v);
  }

  /** A list; each item comes with its path. */
  list(
    key: string,
    opts: {
      readonly required?: boolean;
      readonly minItems?: number;
      readonly maxItems?: number;
    } = {},
  ): { readonly path: string; readonly value: unknown }[] {
    const v = this.raw(key);
    if (v === undefined) {
      if (opts.required) this.reader.error(this.at(key), 'required');
      return [];
    }
    if (!Array.isArray(v)) {
      this.reader.error(this.at(key), 'must be a list');
      return [];
    }
    if (opts.minItems !== undefined && v.length < opts.minItems) {
      this.reader.error(this.at(key), `must have at least ${opts.minItems} item(s)`);
    } else if (opts.maxItems !== undefined && v.length > opts.maxItems) {
      this.reader.error(this.at(key), `must have at most ${opts.maxItems} items`);
    }
    return v.map((value, i) => ({ path: `${this.at(key)}[${i}]`, value }));
  }

  /** A list of mappings. Items that are not mappings are reported and skipped. */
  recList(
    key: string,
    opts: {
      readonly required?: boolean;
      readonly minItems?: number;
      readonly maxItems?: number;
    } = {},
  ): Rec[] {
    const out: Rec[] = [];
    for (const item of this.list(key, opts)) {
      const r = this.reader.record(item.path, item.value);
      if (r) out.push(r);
    }
    return out;
  }

  /** A list of strings. */
  strList(
    key: string,
    opts: { readonly required?: boolean; readonly minItems?: number } = {},
  ): string[] {
    const out: string[] = [];
    for (const item of this.list(key, opts)) {
      if (typeof item.value === 'string') out.push(item.value);
      else this.reader.error(item.path, 'must be a string');
    }
    return out;
  }

  /** A map of strings to strings (labels, annotations, matchLabels). */
  stringMap(key: string): Record<string, string> {
    const v = this.raw(key);
    if (v === undefined) return {};
    if (!isPlainObject(v)) {
      this.reader.error(this.at(key), 'must be a map of strings');
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === 'string') out[k] = val;
      else if (typeof val === 'number' || typeof val === 'boolean') {
        // YAML turns `enabled: true` into a boolean; the API server refuses it in a label map.
        this.reader.error(`${this.at(key)}.${k}`, 'must be a string (quote it in YAML)');
      } else this.reader.error(`${this.at(key)}.${k}`, 'must be a string');
    }
    return out;
  }

  /** A Kubernetes LabelSelector; undefined when absent (callers decide what nil means). */
  selector(key: string): LabelSelector | undefined {
    const r = this.rec(key);
    return r ? parseSelector(r) : undefined;
  }

  /** Warns about every key never read: the API server prunes unknown fields. */
  end(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.used.has(key)) {
        this.reader.warn(this.at(key), 'unknown field; pruned as the API server does');
      }
    }
  }
}

/** True for a non-null, non-array object. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
