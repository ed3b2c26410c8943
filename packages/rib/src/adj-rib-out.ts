/**
 * Adj-RIB-Out for one neighbour: what we have advertised, what changed since, and the UPDATEs
 * that carry the difference.
 *
 * It consumes Loc-RIB change batches ({@link Rib.subscribe}), applies the export rules
 * ({@link exportRoute}) and then the export hook (policy), and keeps the per-prefix difference
 * between what should be advertised and what was. {@link AdjRibOut.generate} turns the
 * difference into UPDATEs: withdrawals packed together, announcements grouped by attribute set
 * and packed up to the negotiated maximum size ({@link packAnnouncements}), then End-of-RIB after
 * the initial table (RFC 4724 §2). With a MinRouteAdvertisementInterval (RFC 4271 §9.2.1.1)
 * announcements wait until the interval since the last ones has passed; withdrawals are sent at
 * once, since holding them only keeps traffic on a dead path. Time comes from the injected clock.
 *
 * With ADD-PATH send (RFC 7911), all eligible paths or the best N are advertised, each with a
 * path id derived from where it came from (source peer id × 65536 + source path id mod 65536).
 *
 * @module
 */
import { formatPrefix, type Prefix } from '@bgp/wire';
import { AttributeStore, type InternedAttributes } from './attribute-store.js';
import { type ExportEnvironment, type ExportTarget, exportRoute } from './export-rules.js';
import type { LocRibChange, Rib, RibRoute } from './rib.js';
import type { RouteAttributes } from './route-attributes.js';
import {
  endOfRibMessage,
  type PackEntry,
  packAnnouncements,
  packWithdrawals,
} from './update-packer.js';

/**
 * Export policy: returns the attributes to send (possibly changed), or undefined to suppress the
 * route. Runs after the protocol's export rules.
 */
export type ExportHook = (
  prefix: Prefix,
  route: RibRoute,
  target: ExportTarget,
  attributes: RouteAttributes,
) => RouteAttributes | undefined;

/** Options of an {@link AdjRibOut}. */
export interface AdjRibOutOptions extends ExportTarget {
  /** Extended messages negotiated (RFC 8654). */
  readonly extendedMessage?: boolean;
  /** 4-octet AS negotiated (RFC 6793; default true). */
  readonly fourOctetAs?: boolean;
  /** ADD-PATH send per family (AFI 1, 2): `'all'` paths or the best N. */
  readonly addPathSend?: Readonly<Partial<Record<1 | 2, 'all' | number>>>;
  /** MinRouteAdvertisementInterval in milliseconds (default 0: none). */
  readonly minRouteAdvertisementInterval?: number;
  /** Families sent in the initial table and closed by End-of-RIB (default [1, 2]). */
  readonly families?: readonly (1 | 2)[];
}

/** Components of an {@link AdjRibOut}. */
export interface AdjRibOutComponents {
  /** Export policy. */
  readonly exportHook?: ExportHook;
  /** Milliseconds clock (default `Date.now`). */
  readonly clock?: () => number;
}

interface PrefixState {
  readonly prefix: Prefix;
  /** Path id -> set, as last sent. */
  sent: Map<number, InternedAttributes>;
  /** Path id -> set (or null: withdraw), to send. */
  want: Map<number, InternedAttributes | null> | undefined;
}

/** Per-neighbour Adj-RIB-Out with update generation. */
export class AdjRibOut {
  /** Options. */
  readonly options: AdjRibOutOptions;
  private readonly rib: Rib;
  private readonly env: ExportEnvironment;
  private readonly hook: ExportHook | undefined;
  private readonly clock: () => number;
  private readonly store = new AttributeStore();
  private readonly table = [
    new Map<string, PrefixState>(),
    new Map<string, PrefixState>(),
  ] as const;
  private readonly dirty = [new Set<PrefixState>(), new Set<PrefixState>()] as const;
  private endOfRibDue: (1 | 2)[] = [];
  private lastAnnounce = Number.NEGATIVE_INFINITY;

  /**
   * @param rib - the Loc-RIB to read paths from
   * @param options - the neighbour and session options
   * @param components - export hook, clock
   */
  constructor(rib: Rib, options: AdjRibOutOptions, components: AdjRibOutComponents = {}) {
    this.rib = rib;
    this.options = options;
    this.env = {
      localAsn: rib.options.localAsn,
      clusterId: (rib.options.clusterId ?? rib.options.routerId) >>> 0,
      defaultLocalPref: rib.options.defaultLocalPref ?? 100,
    };
    this.hook = components.exportHook;
    this.clock = components.clock ?? Date.now;
  }

  private tableOf(afi: number): Map<string, PrefixState> {
    return afi === 1 ? this.table[0] : this.table[1];
  }

  private dirtyOf(afi: number): Set<PrefixState> {
    return afi === 1 ? this.dirty[0] : this.dirty[1];
  }

  /** Queues the whole Loc-RIB (session established), followed by End-of-RIB per family. */
  initialTable(): void {
    const families = this.options.families ?? [1, 2];
    for (const afi of families) {
      for (const { prefix } of this.rib.locRib(afi)) this.consider(prefix);
      this.endOfRibDue.push(afi);
    }
  }

  /** Applies a Loc-RIB change batch (pass this to {@link Rib.subscribe}). */
  onChanges(changes: readonly LocRibChange[]): void {
    const families = this.options.families ?? [1, 2];
    for (const c of changes) if (families.includes(c.prefix.afi)) this.consider(c.prefix);
  }

  /** Prefixes with changes not yet turned into UPDATEs. */
  get pending(): number {
    return this.dirty[0].size + this.dirty[1].size + this.endOfRibDue.length;
  }

  /** Number of paths advertised (as of the last generate). */
  get advertisedCount(): number {
    let n = 0;
    for (const t of this.table) for (const s of t.values()) n += s.sent.size;
    return n;
  }

  /** What was advertised for `prefix`: path id -> attributes. */
  advertised(prefix: Prefix): ReadonlyMap<number, RouteAttributes> {
    const s = this.tableOf(prefix.afi).get(formatPrefix(prefix));
    return new Map(
      [...(s?.sent ?? new Map<number, InternedAttributes>())].map(([k, v]) => [k, v.attributes]),
    );
  }

  /** Milliseconds until announcements may be sent (0 when now), for the caller's timer. */
  nextDue(): number {
    const mrai = this.options.minRouteAdvertisementInterval ?? 0;
    return Math.max(0, this.lastAnnounce + mrai - this.clock());
  }

  private desired(prefix: Prefix): Map<number, InternedAttributes> {
    const afi = prefix.afi;
    const mode = this.options.addPathSend?.[afi];
    const out = new Map<number, InternedAttributes>();
    const routes =
      mode === undefined
        ? (() => {
            const b = this.rib.best(prefix);
            return b ? [b] : [];
          })()
        : this.rib.ranked(prefix).slice(0, mode === 'all' ? undefined : mode);
    for (const route of routes) {
      const d = exportRoute(route, afi, this.options, this.env);
      if (!d.send) continue;
      const attrs = this.hook ? this.hook(prefix, route, this.options, d.attributes) : d.attributes;
      if (attrs === undefined) continue;
      const pathId =
        mode === undefined ? 0 : (route.peer.id * 65536 + (route.pathId % 65536)) >>> 0;
      out.set(pathId, this.store.intern(attrs));
    }
    return out;
  }

  private consider(prefix: Prefix): void {
    const t = this.tableOf(prefix.afi);
    const key = formatPrefix(prefix);
    let s = t.get(key);
    const want = this.desired(prefix);
    if (s === undefined) {
      if (want.size === 0) return;
      s = { prefix, sent: new Map(), want: undefined };
      t.set(key, s);
    }
    const delta = new Map<number, InternedAttributes | null>();
    for (const [id, set] of want) if (s.sent.get(id) !== set) delta.set(id, set);
    for (const id of s.sent.keys()) if (!want.has(id)) delta.set(id, null);
    if (delta.size === 0) {
      s.want = undefined;
      this.dirtyOf(prefix.afi).delete(s);
      if (s.sent.size === 0) t.delete(key);
      return;
    }
    // Hold references for what is queued so the sets survive until sent.
    for (const v of delta.values()) if (v) this.store.retain(v.id);
    if (s.want) for (const v of s.want.values()) if (v) this.store.release(v.id);
    s.want = delta;
    this.dirtyOf(prefix.afi).add(s);
  }

  /**
   * Turns pending changes into UPDATE messages (whole messages, header included): withdrawals,
   * then announcements grouped by attribute set, then any End-of-RIB due. Announcements are held
   * back while the MinRouteAdvertisementInterval runs.
   */
  generate(): Uint8Array[] {
    const now = this.clock();
    const mrai = this.options.minRouteAdvertisementInterval ?? 0;
    const announceNow = mrai <= 0 || now >= this.lastAnnounce + mrai;
    const pack = {
      extendedMessage: this.options.extendedMessage ?? false,
      fourOctetAs: this.options.fourOctetAs ?? true,
      addPathSend: new Set(
        ([1, 2] as const).filter((f) => this.options.addPathSend?.[f] !== undefined),
      ),
    };
    const out: Uint8Array[] = [];
    let announced = false;
    for (const afi of [1, 2] as const) {
      const withdrawals: PackEntry[] = [];
      const groups = new Map<InternedAttributes, PackEntry[]>();
      const t = this.tableOf(afi);
      for (const s of [...this.dirtyOf(afi)]) {
        const want = s.want!;
        let keep: Map<number, InternedAttributes | null> | undefined;
        for (const [pathId, set] of want) {
          if (set === null) {
            withdrawals.push({ prefix: s.prefix, pathId });
            const old = s.sent.get(pathId);
            if (old) this.store.release(old.id);
            s.sent.delete(pathId);
          } else if (announceNow) {
            let g = groups.get(set);
            if (!g) {
              g = [];
              groups.set(set, g);
            }
            g.push({ prefix: s.prefix, pathId });
            const old = s.sent.get(pathId);
            if (old) this.store.release(old.id);
            s.sent.set(pathId, set); // the reference taken when queued moves to `sent`
          } else {
            if (!keep) keep = new Map();
            keep.set(pathId, set);
          }
        }
        s.want = keep;
        if (!keep) this.dirtyOf(afi).delete(s);
        if (s.sent.size === 0 && !keep) t.delete(formatPrefix(s.prefix));
      }
      out.push(...packWithdrawals(afi, withdrawals, pack));
      for (const [set, entries] of groups) {
        out.push(...packAnnouncements(afi, set.attributes, entries, pack));
        announced = true;
      }
    }
    if (announced) this.lastAnnounce = now;
    // Sets interned for prefixes whose output did not change were never retained.
    this.store.collect();
    if (this.dirty[0].size + this.dirty[1].size === 0) {
      for (const afi of this.endOfRibDue) out.push(endOfRibMessage(afi));
      this.endOfRibDue = [];
    }
    return out;
  }

  /** Forgets everything advertised (the session went down). */
  reset(): void {
    for (const t of this.table) t.clear();
    for (const d of this.dirty) d.clear();
    this.endOfRibDue = [];
    this.lastAnnounce = Number.NEGATIVE_INFINITY;
    for (const s of [...this.store]) {
      for (let n = s.refCount; n > 0; n--) this.store.release(s.id);
    }
    this.store.collect();
  }

  /** Interned outbound attribute sets held (for leak checks). */
  get attributeSets(): number {
    this.store.collect();
    return this.store.size;
  }
}
