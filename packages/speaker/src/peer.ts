/**
 * One configured peer of an instance: its {@link Session}, Adj-RIB-In and Adj-RIB-Out.
 *
 * The session holds no routes; this object does. It listens to the session's events (updates,
 * End-of-RIB, graceful restart) and keeps the peer's routes; the {@link Speaker} tells it what
 * the peer should have ({@link PeerRuntime.sync}) and it sends only the difference with what
 * the peer has, packed by attribute set, then End-of-RIB after the first full table (RFC 4724 §2).
 *
 * @module
 */
import {
  connectTcp,
  type NegotiatedSession,
  Session,
  type SessionOptions,
  type Transport,
} from '@bgp/fsm';
import { CeaseSubcode, formatPrefix, type Prefix } from '@bgp/wire';
import {
  afiName,
  attributesKey,
  fromUpdate,
  packUpdates,
  type SpeakerRouteAttributes,
  safiName,
} from './attributes.js';
import type { PathSource, RibPath } from './rib-adapter.js';
import type {
  FamilyCounts,
  InstanceConfig,
  PeerConfig,
  PeerRef,
  SpeakerComponents,
  SpeakerFamily,
} from './types.js';

/** What the peer runtime needs from its speaker. */
export interface PeerHost {
  /** A received route changed (announce with attributes, or withdraw with undefined). */
  received(
    peer: PeerRuntime,
    prefix: Prefix,
    attributes: SpeakerRouteAttributes | undefined,
    stale: boolean,
  ): void;
  /** The session was lost with graceful restart: keep the peer's routes, marked stale. */
  retained(peer: PeerRuntime): void;
  /** The session reached Established: send the table. */
  established(peer: PeerRuntime, negotiated: NegotiatedSession): void;
  /** Emits a speaker event. */
  event(name: string, payload: unknown): void;
  /** Logs. */
  log(level: 'info' | 'warn', message: string): void;
}

/** An Adj-RIB entry. */
interface AdjEntry {
  readonly prefix: Prefix;
  readonly attributes: SpeakerRouteAttributes;
  readonly key: string;
  stale: boolean;
}

/** Parses a dotted quad into an unsigned 32-bit BGP Identifier. */
export function routerIdNumber(text: string): number {
  const p = text.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255))
    throw new RangeError(`router ID "${text}" is not a dotted quad`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** The configuration fields whose change needs a new session. */
export function sessionKey(c: PeerConfig): string {
  return JSON.stringify([
    c.port ?? 179,
    c.asn,
    c.localAddress ?? '',
    c.passive ?? false,
    c.families ?? [],
    c.holdTime ?? 90,
    c.keepaliveTime ?? 0,
    c.connectRetryTime ?? 120,
    c.gracefulRestart ?? null,
    c.password ?? '',
    c.ttl ?? 0,
    c.nextHop ?? null,
  ]);
}

/** One peer, its session and its Adj-RIBs. */
export class PeerRuntime {
  /** The session (replaced when the configuration changes). */
  session!: Session;
  /** Adj-RIB-In by prefix text. */
  readonly adjIn = new Map<string, AdjEntry>();
  /** Adj-RIB-Out by prefix text. */
  readonly adjOut = new Map<string, AdjEntry>();
  /** Prefixes of the Adj-RIB-In accepted into the Loc-RIB. */
  readonly accepted = new Set<string>();
  /** Our address on the current connection (next hop self). */
  localAddress: string | undefined;
  /** Clock time of the last Established, ms. */
  establishedAt: number | undefined;
  /** The last error (NOTIFICATION or connection problem). */
  lastError: string | null = null;
  /** Families for which End-of-RIB was sent in this session. */
  readonly eorSent = new Set<number>();

  /**
   * @param config - peer configuration
   * @param instance - the instance's configuration
   * @param host - the speaker
   * @param components - clock and connect
   * @param restarting - set the R bit on the first OPEN
   */
  constructor(
    public config: PeerConfig,
    readonly instance: InstanceConfig,
    private readonly host: PeerHost,
    private readonly components: SpeakerComponents,
    private readonly restarting: boolean,
  ) {
    this.build();
  }

  /** Name, address and AS for hooks and events. */
  get ref(): PeerRef {
    return {
      instance: this.instance.name,
      name: this.config.name ?? this.config.address,
      address: this.config.address,
      asn: this.config.asn,
    };
  }

  /** The peer's families (configured). */
  get families(): readonly SpeakerFamily[] {
    return this.config.families ?? [{ afi: 1, safi: 1 }];
  }

  /** Families both sides negotiated, or [] when not Established. */
  get activeFamilies(): readonly SpeakerFamily[] {
    const n = this.session.negotiated;
    if (this.session.state !== 'Established' || !n) return [];
    return this.families.filter((f) =>
      n.families.some((g) => g.afi === f.afi && g.safi === f.safi),
    );
  }

  /** Where the peer's routes come from, for the Loc-RIB. */
  get source(): PathSource {
    const n = this.session.negotiated;
    const asn = n?.peerAs ?? this.config.asn;
    return {
      address: this.config.address,
      asn,
      bgpIdentifier: n?.peerBgpIdentifier ?? 0,
      kind: asn === this.instance.asn ? 'ibgp' : 'ebgp',
    };
  }

  /** iBGP (same AS) or eBGP. */
  get internal(): boolean {
    return (this.session.negotiated?.peerAs ?? this.config.asn) === this.instance.asn;
  }

  private build(): void {
    const c = this.config;
    const i = this.instance;
    const families = this.families;
    const options: SessionOptions = {
      peerAddress: c.address,
      name: `${i.name}/${c.name ?? c.address}`,
      localAs: i.asn,
      peerAs: c.asn,
      bgpIdentifier: routerIdNumber(i.routerId),
      holdTime: c.holdTime ?? 90,
      ...(c.keepaliveTime !== undefined ? { keepaliveTime: c.keepaliveTime } : {}),
      families,
      ...(c.gracefulRestart
        ? {
            gracefulRestart: {
              restartTime: c.gracefulRestart.restartTime,
              restarting: this.restarting,
              notification: true,
              forwardingFamilies: [],
            },
          }
        : {}),
      fsm: {
        connectRetryTime: c.connectRetryTime ?? 120,
        idleHoldTime: 1,
        maxIdleHoldTime: 30,
        passiveTcpEstablishment: c.passive ?? false,
      },
      // A few seconds are enough for a closing connection on a node; the default keeps tests slow.
      closeGraceMs: 1000,
    };
    const connect =
      this.components.connect ??
      ((p: PeerConfig): Promise<Transport> =>
        connectTcp({
          host: p.address,
          port: p.port ?? 179,
          timeoutMs: 5000,
          ...(p.localAddress !== undefined ? { localAddress: p.localAddress } : {}),
          ...(p.password !== undefined ? { tcpMd5Password: p.password } : {}),
          ...(p.ttl !== undefined ? { ttl: p.ttl } : {}),
        }));
    const connector = c.passive
      ? undefined
      : async (): Promise<Transport> => {
          try {
            const t = await connect(this.config, this.instance);
            this.localAddress = t.localAddress;
            return t;
          } catch (err) {
            this.lastError = `connect: ${(err as Error).message}`;
            throw err;
          }
        };
    const s = new Session(options, {
      ...(this.components.clock ? { clock: this.components.clock } : {}),
      ...(connector ? { connector } : {}),
    });
    this.session = s;
    s.on('state:change', ({ from, to }) => {
      if (s !== this.session) return;
      this.host.event('peer:state', { ...this.ref, from, to });
    });
    s.on('established', ({ negotiated }) => {
      if (s !== this.session) return;
      this.establishedAt = (this.components.clock ?? { now: () => performance.now() }).now();
      this.lastError = null;
      this.eorSent.clear();
      this.adjOut.clear();
      this.host.event('peer:up', { ...this.ref, negotiated });
      this.host.established(this, negotiated);
    });
    s.on('update:received', ({ update, bytes }) => {
      if (s !== this.session) return;
      const n = s.negotiated;
      this.host.event('update:received', {
        ...this.ref,
        bytes,
        peerAs: n?.peerAs ?? this.config.asn,
        localAs: this.instance.asn,
        localAddress: this.localAddress,
        fourOctetAs: n?.fourOctetAs ?? false,
      });
      const d = fromUpdate(update);
      for (const p of d.withdrawn) {
        const key = formatPrefix(p);
        if (this.adjIn.delete(key)) this.host.received(this, p, undefined, false);
      }
      // The prefixes of one UPDATE share their attributes object (fromUpdate): key it once.
      const keys = new Map<object, string>();
      for (const r of d.announced) {
        const key = formatPrefix(r.prefix);
        let attrKey = keys.get(r.attributes);
        if (attrKey === undefined) {
          attrKey = attributesKey(r.attributes);
          keys.set(r.attributes, attrKey);
        }
        this.adjIn.set(key, {
          prefix: r.prefix,
          attributes: r.attributes,
          key: attrKey,
          stale: false,
        });
        this.host.received(this, r.prefix, r.attributes, false);
      }
    });
    s.on('notification:received', ({ description }) => {
      if (s === this.session) this.lastError = `received ${description}`;
    });
    s.on('notification:sent', ({ description }) => {
      if (s === this.session) this.lastError = `sent ${description}`;
    });
    s.on('session:down', ({ reason, retainRoutes, notification }) => {
      if (s !== this.session) return;
      this.establishedAt = undefined;
      this.adjOut.clear();
      this.eorSent.clear();
      if (retainRoutes) {
        // RFC 4724 §4.2: keep the routes, marked stale, until End-of-RIB or the timers.
        for (const e of this.adjIn.values()) e.stale = true;
        this.host.retained(this);
      } else this.flush(() => true);
      this.host.event('peer:down', {
        ...this.ref,
        reason,
        retainRoutes,
        ...(notification ? { notification: this.lastError ?? '' } : {}),
      });
    });
    s.on('eor:received', ({ afi, safi }) => {
      if (s !== this.session) return;
      this.flush((e) => e.stale && e.prefix.address.length === (afi === 1 ? 4 : 16));
      this.host.event('peer:eor', { ...this.ref, afi, safi });
    });
    s.on('peer:gr-flush', ({ families: fs }) => {
      if (s !== this.session) return;
      const afis = new Set(fs.map((f) => f.afi));
      this.flush((e) => e.stale && afis.has(e.prefix.address.length === 4 ? 1 : 2));
    });
    s.on('route-refresh:received', ({ message }) => {
      if (s !== this.session || message.subtype !== 0) return;
      // RFC 2918 §4: send the whole Adj-RIB-Out of the family again.
      for (const [k, e] of this.adjOut)
        if ((e.prefix.address.length === 4 ? 1 : 2) === message.afi) this.adjOut.delete(k);
      this.host.established(this, this.session.negotiated!);
    });
  }

  /** Removes Adj-RIB-In entries matching `pick` and tells the speaker. */
  private flush(pick: (e: AdjEntry) => boolean): void {
    for (const [k, e] of this.adjIn) {
      if (!pick(e)) continue;
      this.adjIn.delete(k);
      this.host.received(this, e.prefix, undefined, false);
    }
  }

  /** Starts the session. */
  start(): void {
    this.session.start();
  }

  /** Hands the session an incoming connection. */
  accept(t: Transport): void {
    if (this.session.state !== 'Established') this.localAddress = t.localAddress;
    this.session.accept(t);
  }

  /**
   * Replaces the session after a configuration change (Cease 6/4 Administrative Reset), as
   * Cilium does when timers or transport change.
   */
  reset(config: PeerConfig): void {
    const old = this.session;
    old.stop({ subcode: CeaseSubcode.ADMINISTRATIVE_RESET });
    this.flush(() => true);
    this.config = config;
    this.adjOut.clear();
    this.build();
    old.removeAllListeners();
  }

  /**
   * Stops the session.
   *
   * @param graceful - close TCP without NOTIFICATION, so that a peer with graceful restart keeps
   *   our routes (RFC 4724); otherwise Cease 6/3 Peer De-configured or 6/2 with `message`
   * @param message - RFC 9003 shutdown communication
   */
  stop(graceful: boolean, message?: string): void {
    if (graceful) this.session.stop({ graceful: true });
    else if (message !== undefined) this.session.stop({ message });
    else this.session.stop({ subcode: CeaseSubcode.PEER_DE_CONFIGURED });
  }

  /**
   * Makes the Adj-RIB-Out equal `desired` (prefix text to route) for the active families,
   * sending withdrawals and announcements packed by attribute set, then End-of-RIB once.
   */
  sync(
    desired: ReadonlyMap<
      string,
      { readonly prefix: Prefix; readonly attributes: SpeakerRouteAttributes }
    >,
  ): void {
    const families = this.activeFamilies;
    if (families.length === 0) return;
    for (const f of families) {
      const width = f.afi === 1 ? 4 : 16;
      const withdrawn: Prefix[] = [];
      const groups = new Map<string, { attributes: SpeakerRouteAttributes; prefixes: Prefix[] }>();
      for (const [k, e] of this.adjOut) {
        if (e.prefix.address.length !== width || desired.has(k)) continue;
        withdrawn.push(e.prefix);
        this.adjOut.delete(k);
      }
      for (const [k, r] of desired) {
        if (r.prefix.address.length !== width) continue;
        const key = attributesKey(r.attributes);
        if (this.adjOut.get(k)?.key === key) continue;
        this.adjOut.set(k, { prefix: r.prefix, attributes: r.attributes, key, stale: false });
        const g = groups.get(key) ?? { attributes: r.attributes, prefixes: [] };
        g.prefixes.push(r.prefix);
        groups.set(key, g);
      }
      for (const u of packUpdates(f.afi, withdrawn, groups.values())) this.session.sendUpdate(u);
      const announced = [...groups.values()].flatMap((g) => g.prefixes.map(formatPrefix));
      if (announced.length > 0 || withdrawn.length > 0)
        this.host.event('routes:sent', {
          ...this.ref,
          afi: f.afi,
          announced,
          withdrawn: withdrawn.map(formatPrefix),
        });
      if (!this.eorSent.has(f.afi)) {
        this.eorSent.add(f.afi);
        this.session.sendEndOfRib(f.afi, f.safi);
      }
    }
  }

  /** Per-family counts for status. */
  counts(): FamilyCounts[] {
    return this.families.map((f) => {
      const width = f.afi === 1 ? 4 : 16;
      const count = (m: Iterable<{ prefix: Prefix }>): number => {
        let n = 0;
        for (const e of m) if (e.prefix.address.length === width) n++;
        return n;
      };
      let accepted = 0;
      for (const k of this.accepted)
        if (this.adjIn.get(k)?.prefix.address.length === width) accepted++;
      return {
        afi: afiName(f.afi),
        safi: safiName(f.safi),
        received: count(this.adjIn.values()),
        accepted,
        advertised: count(this.adjOut.values()),
      };
    });
  }

  /** Adj-RIB-In entries as Loc-RIB paths (for re-import after a hook change). */
  *received(): IterableIterator<RibPath> {
    const source = this.source;
    for (const e of this.adjIn.values())
      yield { prefix: e.prefix, source, attributes: e.attributes, stale: e.stale };
  }
}
