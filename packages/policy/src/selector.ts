/**
 * Kubernetes label selectors (`metav1.LabelSelector`), evaluated exactly as apimachinery does.
 *
 * `matchLabels` and `matchExpressions` are ANDed; an empty selector (`{}`) matches everything.
 * What an absent (nil) selector means depends on the field, so {@link selects} makes the caller
 * say it: `nodeSelector` nil selects every node, an advertisement's nil `selector` selects nothing.
 *
 * @module
 */
import type { Rec } from './fields.js';
import type { StringMap } from './meta.js';

/** A `matchExpressions` operator. */
export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** The operators, in apimachinery's order. */
export const SELECTOR_OPERATORS: readonly SelectorOperator[] = [
  'In',
  'NotIn',
  'Exists',
  'DoesNotExist',
];

/** One `matchExpressions` requirement. */
export interface SelectorRequirement {
  /** Label key. */
  readonly key: string;
  /** Operator. */
  readonly operator: SelectorOperator;
  /** Values (non-empty for In/NotIn, empty for Exists/DoesNotExist). */
  readonly values: readonly string[];
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  /** Exact label matches. */
  readonly matchLabels: StringMap;
  /** Set-based requirements. */
  readonly matchExpressions: readonly SelectorRequirement[];
}

// apimachinery's label value syntax: at most 63 characters, alphanumeric at both ends.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Validates a selector mapping (errors go to the reader of `r`). */
export function parseSelector(r: Rec): LabelSelector {
  const matchLabels = r.stringMap('matchLabels');
  for (const [k, v] of Object.entries(matchLabels)) {
    if (k === '') r.reader.error(r.at('matchLabels'), 'label key must not be empty');
    if (v.length > 63 || !LABEL_VALUE.test(v)) {
      r.reader.error(`${r.at('matchLabels')}.${k}`, `invalid label value "${v}"`);
    }
  }
  const matchExpressions: SelectorRequirement[] = [];
  for (const e of r.recList('matchExpressions')) {
    const key = e.str('key', { required: true, minLength: 1 }) ?? '';
    const operator = e.enum('operator', SELECTOR_OPERATORS, { required: true });
    const values = e.strList('values');
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0)
        r.reader.error(e.at('values'), `must be non-empty for operator ${operator}`);
    } else if (operator && values.length > 0) {
      r.reader.error(e.at('values'), `must be empty for operator ${operator}`);
    }
    e.end();
    if (operator) matchExpressions.push({ key, operator, values });
  }
  r.end();
  return { matchLabels, matchExpressions };
}

/** True when `labels` satisfy every part of `selector` (an empty selector matches everything). */
export function matchesSelector(selector: LabelSelector, labels: StringMap): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions) {
    const has = Object.hasOwn(labels, req.key);
    switch (req.operator) {
      case 'In':
        if (!has || !req.values.includes(labels[req.key]!)) return false;
        break;
      case 'NotIn':
        // apimachinery: NotIn matches when the key is absent.
        if (has && req.values.includes(labels[req.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/**
 * Evaluates a possibly absent selector. `nilMeans` is the field's documented meaning of nil:
 * `'all'` (nodeSelector, pool serviceSelector) or `'none'` (advertisement selectors).
 */
export function selects(
  selector: LabelSelector | undefined,
  labels: StringMap,
  nilMeans: 'all' | 'none',
): boolean {
  if (selector === undefined) return nilMeans === 'all';
  return matchesSelector(selector, labels);
}

/** Converts a selector back to its YAML/JSON shape (omitting empty parts). */
export function selectorToObject(selector: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Object.keys(selector.matchLabels).length > 0) out.matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions.length > 0) {
    out.matchExpressions = selector.matchExpressions.map((e) =>
      e.values.length > 0
        ? { key: e.key, operator: e.operator, values: [...e.values] }
        : { key: e.key, operator: e.operator },
    );
  }
  return out;
}
