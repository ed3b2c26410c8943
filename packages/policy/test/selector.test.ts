/**
 * Kubernetes label selectors: each operator, nil versus empty, and a property against a naive
 * model written straight from the apimachinery documentation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LabelSelector,
  matchesSelector,
  type SelectorRequirement,
  selects,
} from '../src/index.js';

const sel = (
  matchLabels: Record<string, string>,
  matchExpressions: SelectorRequirement[] = [],
): LabelSelector => ({ matchLabels, matchExpressions });
const req = (
  key: string,
  operator: SelectorRequirement['operator'],
  values: string[] = [],
): SelectorRequirement => ({ key, operator, values });

const table: [string, LabelSelector, Record<string, string>, boolean][] = [
  ['empty selector matches no labels', sel({}), {}, true],
  ['empty selector matches any labels', sel({}), { a: '1' }, true],
  ['matchLabels equal', sel({ a: '1' }), { a: '1', b: '2' }, true],
  ['matchLabels different value', sel({ a: '1' }), { a: '2' }, false],
  ['matchLabels missing key', sel({ a: '1' }), { b: '1' }, false],
  ['matchLabels empty value matches empty value', sel({ a: '' }), { a: '' }, true],
  ['In: value in set', sel({}, [req('env', 'In', ['prod', 'stage'])]), { env: 'stage' }, true],
  ['In: value not in set', sel({}, [req('env', 'In', ['prod'])]), { env: 'dev' }, false],
  ['In: key absent', sel({}, [req('env', 'In', ['prod'])]), {}, false],
  ['NotIn: value not in set', sel({}, [req('env', 'NotIn', ['prod'])]), { env: 'dev' }, true],
  ['NotIn: value in set', sel({}, [req('env', 'NotIn', ['prod'])]), { env: 'prod' }, false],
  [
    'NotIn: key absent matches (select-all trick)',
    sel({}, [req('somekey', 'NotIn', ['never-used-value'])]),
    {},
    true,
  ],
  ['Exists: key present with empty value', sel({}, [req('k', 'Exists')]), { k: '' }, true],
  ['Exists: key absent', sel({}, [req('k', 'Exists')]), { j: 'x' }, false],
  ['DoesNotExist: key absent', sel({}, [req('k', 'DoesNotExist')]), {}, true],
  ['DoesNotExist: key present', sel({}, [req('k', 'DoesNotExist')]), { k: 'v' }, false],
  ['labels AND expressions', sel({ a: '1' }, [req('b', 'Exists')]), { a: '1' }, false],
  [
    'all expressions must hold',
    sel({}, [req('a', 'Exists'), req('b', 'DoesNotExist')]),
    { a: '1', b: '2' },
    false,
  ],
];

describe('label selector operators', () => {
  it.each(table)('%s', (_n, s, labels, want) => {
    expect(matchesSelector(s, labels)).toBe(want);
  });

  it('nil means all for nodeSelector-like fields and none for advertisement selectors', () => {
    expect(selects(undefined, { a: '1' }, 'all')).toBe(true);
    expect(selects(undefined, { a: '1' }, 'none')).toBe(false);
    expect(selects(sel({}), { a: '1' }, 'none')).toBe(true);
  });
});

// Naive model: a selector is the conjunction of requirements; each requirement is a predicate.
function naive(s: LabelSelector, labels: Record<string, string>): boolean {
  const reqs: ((l: Record<string, string>) => boolean)[] = [];
  for (const k of Object.keys(s.matchLabels)) reqs.push((l) => k in l && l[k] === s.matchLabels[k]);
  for (const r of s.matchExpressions) {
    if (r.operator === 'In')
      reqs.push((l) => k(l, r.key) !== undefined && r.values.indexOf(k(l, r.key)!) !== -1);
    if (r.operator === 'NotIn')
      reqs.push((l) => k(l, r.key) === undefined || r.values.indexOf(k(l, r.key)!) === -1);
    if (r.operator === 'Exists') reqs.push((l) => k(l, r.key) !== undefined);
    if (r.operator === 'DoesNotExist') reqs.push((l) => k(l, r.key) === undefined);
  }
  return reqs.reduce((acc, f) => acc && f(labels), true);
}
function k(l: Record<string, string>, key: string): string | undefined {
  return Object.keys(l).includes(key) ? l[key] : undefined;
}

const key = fc.constantFrom('a', 'b', 'c', 'toString', '__proto__x');
const value = fc.constantFrom('', '1', '2', 'x');
const labelsArb = fc.dictionary(key, value, { maxKeys: 4 });
const reqArb = fc.oneof(
  fc.record({
    key,
    operator: fc.constantFrom('In' as const, 'NotIn' as const),
    values: fc.array(value, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    key,
    operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
    values: fc.constant([] as string[]),
  }),
);
const selectorArb = fc.record({
  matchLabels: fc.dictionary(key, value, { maxKeys: 2 }),
  matchExpressions: fc.array(reqArb, { maxLength: 3 }),
});

describe('selector property', () => {
  it('property: matchesSelector agrees with a naive model on arbitrary selectors and labels', () => {
    fc.assert(
      fc.property(selectorArb, labelsArb, (s, labels) => {
        expect(matchesSelector(s, labels)).toBe(naive(s, labels));
      }),
    );
  });
});
