/**
 * The speaker's Loc-RIB: every usable path per prefix (locally originated ones and those the
 * import hook accepted), the best path chosen by the RFC 4271 §9.1.2.2 steps, and for each loser
 * the step at which it lost.
 *
 * This is a small map-based table sized for a node agent (a few hundred to a few thousand
 * prefixes). `@bgp/rib`'s compact Rib targets full tables; its public API was still settling
 * while this package was written, so the speaker keeps this adapter with the same decision steps.
 *
 * @module
 */
import { formatPrefix, type Prefix, parseAddress } from '@bgp/wire';
import type { SpeakerRouteAttributes } from './attributes.js';

/** Where a path came from. */
export interface PathSource {
  /** Peer address, or null for a locally originated route. */
  readonly address: string | null;
  /** Peer AS (the local AS for local routes). */
  readonly asn: number;
  /** Peer BGP Identifier (ours for local routes). */
  readonly bgpIdentifier: number;
  /** iBGP, eBGP or local. */
  readonly kind: 'ibgp' | 'ebgp' | 'local';
}

/** One path of a prefix. */
export interface RibPath {
  /** The prefix. */
  readonly prefix: Prefix;
  /** Its source. */
  readonly source: PathSource;
  /** Attributes as received (or originated). */
  readonly attributes: SpeakerRouteAttributes;
  /** Kept through a peer's graceful restart and not refreshed yet (RFC 4724 §4.2). */
  readonly stale: boolean;
}

/** The decision step at which a path lost (RFC 4271 §9.1.2.2, in order). */
export type LosingStep =
  | 'local-pref'
  | 'locally-originated'
  | 'as-path-length'
  | 'origin'
  | 'med'
  | 'ebgp-over-ibgp'
  | 'router-id'
  | 'peer-address';

/** A path in an explanation. */
export interface ExplainedPath extends RibPath {
  /** True for the best path. */
  readonly best: boolean;
  /** For a loser: the step at which it lost against the path ranked just before it. */
  readonly lostAt?: LosingStep;
}

/** A change of the best path of a prefix. */
export interface BestChange {
  /** The prefix. */
  readonly prefix: Prefix;
  /** The new best path, or undefined when none is left. */
  readonly best: RibPath | undefined;
}

function compareAddress(a: string | null, b: string | null): number {
  const x = a === null ? new Uint8Array(4) : parseAddress(a);
  const y = b === null ? new Uint8Array(4) : parseAddress(b);
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/**
 * Compares two paths; negative when `a` is better. Returns the deciding step too.
 * MED is compared only between paths from the same neighbouring AS (§9.1.2.2 c).
 */
export function comparePaths(
  a: RibPath,
  b: RibPath,
): { readonly order: number; readonly step: LosingStep } {
  const lp = (p: RibPath): number => p.attributes.localPref ?? 100;
  if (lp(a) !== lp(b)) return { order: lp(b) - lp(a), step: 'local-pref' };
  const local = (p: RibPath): number => (p.source.kind === 'local' ? 0 : 1);
  if (local(a) !== local(b)) return { order: local(a) - local(b), step: 'locally-originated' };
  if (a.attributes.asPath.length !== b.attributes.asPath.length)
    return {
      order: a.attributes.asPath.length - b.attributes.asPath.length,
      step: 'as-path-length',
    };
  const o = ['IGP', 'EGP', 'INCOMPLETE'];
  if (a.attributes.origin !== b.attributes.origin)
    return {
      order: o.indexOf(a.attributes.origin) - o.indexOf(b.attributes.origin),
      step: 'origin',
    };
  if (a.attributes.asPath[0] === b.attributes.asPath[0]) {
    const ma = a.attributes.med ?? 0;
    const mb = b.attributes.med ?? 0;
    if (ma !== mb) return { order: ma - mb, step: 'med' };
  }
  const ebgp = (p: RibPath): number => (p.source.kind === 'ebgp' ? 0 : 1);
  if (ebgp(a) !== ebgp(b)) return { order: ebgp(a) - ebgp(b), step: 'ebgp-over-ibgp' };
  if (a.source.bgpIdentifier !== b.source.bgpIdentifier)
    return {
      order: (a.source.bgpIdentifier >>> 0) - (b.source.bgpIdentifier >>> 0),
      step: 'router-id',
    };
  return { order: compareAddress(a.source.address, b.source.address), step: 'peer-address' };
}

/**
 * Paths per prefix with the best first.
 *
 * @example
 * ```ts
 * const rib = new LocRib();
 * rib.set({ prefix: parsePrefix('10.0.0.0/24'), source, attributes, stale: false });
 * rib.best(parsePrefix('10.0.0.0/24'));
 * ```
 */
export class LocRib {
  private readonly table = new Map<string, RibPath[]>();
  private readonly changed = new Map<string, Prefix>();

  /** Adds or replaces the path of `path.source` for its prefix. */
  set(path: RibPath): void {
    const key = formatPrefix(path.prefix);
    const list = (this.table.get(key) ?? []).filter(
      (p) => p.source.address !== path.source.address,
    );
    list.push(path);
    this.table.set(key, this.sort(list));
    this.changed.set(key, path.prefix);
  }

  /** Removes the path of source `address` (null = local) for `prefix`; false when absent. */
  delete(prefix: Prefix, address: string | null): boolean {
    const key = formatPrefix(prefix);
    const list = this.table.get(key);
    if (!list) return false;
    const rest = list.filter((p) => p.source.address !== address);
    if (rest.length === list.length) return false;
    if (rest.length === 0) this.table.delete(key);
    else this.table.set(key, rest);
    this.changed.set(key, prefix);
    return true;
  }

  private sort(list: RibPath[]): RibPath[] {
    return list.sort((a, b) => comparePaths(a, b).order);
  }

  /** The best path of `prefix`. */
  best(prefix: Prefix): RibPath | undefined {
    return this.table.get(formatPrefix(prefix))?.[0];
  }

  /** Every path of every prefix, best first within a prefix, prefixes in insertion order. */
  *paths(): IterableIterator<RibPath & { readonly best: boolean }> {
    for (const list of this.table.values()) {
      let first = true;
      for (const p of list) {
        yield { ...p, best: first };
        first = false;
      }
    }
  }

  /** The best path of every prefix. */
  *bestPaths(): IterableIterator<RibPath> {
    for (const list of this.table.values()) if (list[0]) yield list[0];
  }

  /** Number of prefixes. */
  get size(): number {
    return this.table.size;
  }

  /** Candidates of `prefix`, best first, each loser with the step it lost at. */
  explain(prefix: Prefix): ExplainedPath[] {
    const list = this.table.get(formatPrefix(prefix)) ?? [];
    return list.map((p, i) =>
      i === 0
        ? { ...p, best: true }
        : { ...p, best: false, lostAt: comparePaths(list[i - 1]!, p).step },
    );
  }

  /** The prefixes changed since the last call, with their best path now. */
  takeChanges(): BestChange[] {
    const out = [...this.changed.values()].map((prefix) => ({ prefix, best: this.best(prefix) }));
    this.changed.clear();
    return out;
  }
}
