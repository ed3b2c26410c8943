/**
 * The {@link Speaker}: the library's answer to GoBGP's BgpServer.
 *
 * ```
 *  instances ──► peers ──► PeerRuntime (Session, received routes, Adj-RIB-Out)
 *      │                        │ update:received ─► import hook ─► Rib ─► DatapathFeeder ─► sinks
 *      └─ originated routes ─► Rib (local peer) ─► export hook per peer ─► PeerRuntime.sync
 * ```
 *
 * Each instance composes a `@bgp/rib` {@link Rib}: Adj-RIB-In of every peer (the routes its
 * import hook accepted), the locally originated routes, and the Loc-RIB with the RFC 4271 §9.1
 * decision process and its explanations. Loc-RIB change batches ({@link Rib.flush}) become
 * `best:change` events and, through {@link DatapathFeeder.changesFor}, datapath batches.
 *
 * Changes (originated routes, received routes, configuration) mark the instance dirty; a
 * microtask later every Established peer of the instance is synced: its export is recomputed
 * and only the difference with its Adj-RIB-Out is sent. {@link Speaker.flush} does that at once.
 *
 * @module
 */
import { Listener, type NegotiatedSession, type Transport } from '@bgp/fsm';
import {
  type DatapathChange,
  DatapathFeeder,
  LOCAL_PEER,
  type LocRibChange,
  Rib,
  type RibRoute,
  type RouteAttributes,
} from '@bgp/rib';
import { formatPrefix, type Prefix, parsePrefix } from '@bgp/wire';
import { EventEmitter } from 'eventemitter3';
import {
  afiOfPrefix,
  normalizeAttributes,
  parseCommunityText,
  type RouteAttributesInput,
  type SpeakerRouteAttributes,
} from './attributes.js';
import { PeerRuntime, routerIdNumber, sessionKey } from './peer.js';
import { type RibPath, ribPathOf, toRibAttributes } from './rib-adapter.js';
import {
  type AdvertisedStatus,
  acceptNone,
  type ExplainedRoute,
  type ExportCandidate,
  type InstanceConfig,
  type Logger,
  type PeerConfig,
  type PeerStatus,
  type RouteStatus,
  type SpeakerComponents,
  type SpeakerEvents,
  type SpeakerOptions,
} from './types.js';

/** One BGP instance. */
interface Instance {
  readonly config: InstanceConfig;
  /** Adj-RIB-In per peer (accepted routes), originated routes and the Loc-RIB. */
  readonly rib: Rib;
  /** Turns Loc-RIB batches into datapath changes (ECMP next hops, stable route ids). */
  readonly feeder: DatapathFeeder;
  /** The RIB peer id of each peer runtime, registered when its session first carries routes. */
  readonly ribPeers: Map<PeerRuntime, number>;
  /** Originated prefixes by text, in origination order (for {@link Speaker.originated}). */
  readonly originated: Map<string, Prefix>;
  readonly peers: Map<string, PeerRuntime>;
  listener: Listener | undefined;
  dirty: boolean;
}

const silent: Logger = { info() {}, warn() {}, error() {} };

/** Thrown for configuration mistakes (unknown instance or peer, duplicates). */
export class SpeakerConfigError extends Error {
  override readonly name = 'SpeakerConfigError';
}

function toStatus(instance: string, p: RibPath & { readonly best?: boolean }): RouteStatus {
  return {
    instance,
    prefix: formatPrefix(p.prefix),
    peer: p.source.address,
    best: p.best ?? false,
    nextHop: p.attributes.nextHop ?? null,
    stale: p.stale,
    attributes: p.attributes,
  };
}

/** Every prefix of family `afi` with a path in `rib` (usable or not), in no particular order. */
function prefixesOf(rib: Rib, afi: 1 | 2): Prefix[] {
  const out = new Map<string, Prefix>();
  for (const peer of rib.allPeers())
    for (const { prefix } of rib.adjRibIn(peer.id, afi)) out.set(formatPrefix(prefix), prefix);
  return [...out.values()];
}

/** Orders prefixes by address, then length (what tables print). */
function byPrefix(a: Prefix, b: Prefix): number {
  for (let i = 0; i < Math.min(a.address.length, b.address.length); i++)
    if (a.address[i] !== b.address[i]) return a.address[i]! - b.address[i]!;
  return a.address.length - b.address.length || a.length - b.length;
}

function sortedByPrefix<T extends { readonly prefix: string }>(list: T[]): T[] {
  return list
    .map((x) => ({ x, p: parsePrefix(x.prefix) }))
    .sort((a, b) => byPrefix(a.p, b.p))
    .map((e) => e.x);
}

function mapped(ipv4: string): string {
  return `::ffff:${ipv4}`;
}

/**
 * Several BGP instances, their peers and routes.
 *
 * @example
 * ```ts
 * const speaker = new Speaker();
 * speaker.addInstance({ name: 'default', asn: 65001, routerId: '192.0.2.1' });
 * speaker.addPeer('default', { address: '127.0.0.2', port: 1179, asn: 65100 });
 * speaker.originate('default', '10.244.1.0/24', { communities: ['65001:100'] });
 * speaker.on('peer:up', ({ name }) => console.log(name, 'is up'));
 * await speaker.start();
 * ```
 */
export class Speaker extends EventEmitter<SpeakerEvents> {
  /** The options. */
  readonly options: SpeakerOptions;
  private readonly components: SpeakerComponents;
  private readonly log: Logger;
  private readonly instances = new Map<string, Instance>();
  private started = false;
  private scheduled = false;
  private pendingSink: DatapathChange[] = [];
  private sinkChain: Promise<void> = Promise.resolve();

  /**
   * @param options - import hook, restart flag
   * @param components - clock, logger, datapath sinks, connect
   */
  constructor(options: SpeakerOptions = {}, components: SpeakerComponents = {}) {
    super();
    this.options = options;
    this.components = components;
    this.log = components.logger ?? silent;
  }

  // ---- configuration -----------------------------------------------------------------------

  /** Adds an instance; its listener opens on {@link Speaker.start} (or now, when started). */
  async addInstance(config: InstanceConfig): Promise<void> {
    if (this.instances.has(config.name))
      throw new SpeakerConfigError(`instance ${config.name} exists`);
    const routerId = routerIdNumber(config.routerId);
    const rib = new Rib({ localAsn: config.asn, routerId });
    const inst: Instance = {
      config,
      rib,
      feeder: new DatapathFeeder(rib),
      ribPeers: new Map(),
      originated: new Map(),
      peers: new Map(),
      listener: undefined,
      dirty: false,
    };
    this.instances.set(config.name, inst);
    if (this.started) await this.listen(inst);
  }

  /** Removes an instance: its sessions end with Cease 6/3, its listener closes. */
  async removeInstance(name: string): Promise<void> {
    const inst = this.instance(name);
    for (const a of [...inst.peers.keys()]) this.removePeer(name, a);
    await inst.listener?.close();
    this.instances.delete(name);
  }

  /** Names and configuration of the instances. */
  get instanceConfigs(): InstanceConfig[] {
    return [...this.instances.values()].map((i) => i.config);
  }

  private instance(name: string): Instance {
    const i = this.instances.get(name);
    if (!i) throw new SpeakerConfigError(`no instance ${name}`);
    return i;
  }

  private async listen(inst: Instance): Promise<void> {
    const l = inst.config.listen;
    if (!l || inst.listener) return;
    const listener = new Listener({
      port: l.port,
      ...(l.host !== undefined ? { host: l.host } : {}),
    });
    for (const p of inst.peers.values()) this.register(listener, p);
    await listener.listen();
    inst.listener = listener;
  }

  private register(listener: Listener, p: PeerRuntime): void {
    listener.addPeer(
      p.config.address,
      { accept: (t) => p.accept(t) },
      p.config.password !== undefined ? { tcpMd5Password: p.config.password } : {},
    );
  }

  /** Adds a peer to an instance; its session starts at once when the speaker runs. */
  addPeer(instance: string, config: PeerConfig): void {
    const inst = this.instance(instance);
    if (inst.peers.has(config.address))
      throw new SpeakerConfigError(`peer ${config.address} exists in ${instance}`);
    const p = new PeerRuntime(
      config,
      inst.config,
      this.host(inst),
      this.components,
      this.options.restarting ?? false,
    );
    inst.peers.set(config.address, p);
    if (inst.listener) this.register(inst.listener, p);
    if (this.started) p.start();
  }

  /**
   * Changes a peer. A change of anything but `name` and `export` resets that session alone
   * (Cease 6/4); an export change only sends the difference.
   *
   * @returns `reset` or `updated`
   */
  updatePeer(instance: string, config: PeerConfig): 'reset' | 'updated' {
    const inst = this.instance(instance);
    const p = inst.peers.get(config.address);
    if (!p) throw new SpeakerConfigError(`no peer ${config.address} in ${instance}`);
    if (sessionKey(p.config) !== sessionKey(config)) {
      this.log.info(
        `${instance}/${config.name ?? config.address}: configuration changed, resetting the session`,
      );
      p.reset(config);
      if (this.started) p.start();
      this.markDirty(inst);
      return 'reset';
    }
    p.config = config;
    this.markDirty(inst);
    return 'updated';
  }

  /** Removes a peer: Cease 6/3 Peer De-configured, its routes leave the Loc-RIB. */
  removePeer(instance: string, address: string): void {
    const inst = this.instance(instance);
    const p = inst.peers.get(address);
    if (!p) throw new SpeakerConfigError(`no peer ${address} in ${instance}`);
    p.stop(false);
    for (const e of [...p.adjIn.values()]) this.host(inst).received(p, e.prefix, undefined, false);
    p.adjIn.clear();
    const id = inst.ribPeers.get(p);
    if (id !== undefined) inst.rib.removePeer(id);
    inst.ribPeers.delete(p);
    inst.listener?.removePeer(address);
    inst.peers.delete(address);
    p.session.removeAllListeners();
  }

  /** The peer configurations of an instance. */
  peerConfigs(instance: string): PeerConfig[] {
    return [...this.instance(instance).peers.values()].map((p) => p.config);
  }

  // ---- routes ------------------------------------------------------------------------------

  /** Originates (or replaces) a route in an instance; the peers' export hooks see it. */
  originate(
    instance: string,
    prefix: string | Prefix,
    attributes: RouteAttributesInput = {},
  ): void {
    const inst = this.instance(instance);
    const p = typeof prefix === 'string' ? parsePrefix(prefix) : prefix;
    const attrs = normalizeAttributes(attributes);
    for (const c of attrs.communities) parseCommunityText(c); // fail here, not at send time
    inst.rib.announce(LOCAL_PEER, p, toRibAttributes(attrs, afiOfPrefix(p)));
    inst.originated.set(formatPrefix(p), p);
    this.markDirty(inst);
  }

  /** Withdraws an originated route; false when it was not originated. */
  withdraw(instance: string, prefix: string | Prefix): boolean {
    const inst = this.instance(instance);
    const p = typeof prefix === 'string' ? parsePrefix(prefix) : prefix;
    if (!inst.originated.delete(formatPrefix(p))) return false;
    inst.rib.withdraw(LOCAL_PEER, p);
    this.markDirty(inst);
    return true;
  }

  /** Prefixes originated by an instance. */
  originated(instance: string): string[] {
    return [...this.instance(instance).originated.keys()];
  }

  /**
   * The RIB peer of `p`. With `current`, checks that the registered record still matches the
   * session (peer AS, BGP Identifier); RIB peer records are immutable, so a neighbour that comes
   * back as someone else gets a new record and its routes (stale marks included) move over.
   */
  /**
   * Received prefixes of one UPDATE share one attributes object (see `fromUpdate`); convert it to
   * the RIB's form once rather than once per prefix.
   */
  private readonly ribAttributesCache = new WeakMap<
    object,
    { afi: 1 | 2; value: RouteAttributes }
  >();

  private ribAttributesOf(attrs: SpeakerRouteAttributes, afi: 1 | 2): RouteAttributes {
    const hit = this.ribAttributesCache.get(attrs);
    if (hit?.afi === afi) return hit.value;
    const value = toRibAttributes(attrs, afi);
    this.ribAttributesCache.set(attrs, { afi, value });
    return value;
  }

  private ribPeer(inst: Instance, p: PeerRuntime, current: boolean): number {
    const id = inst.ribPeers.get(p);
    if (id !== undefined && !current) return id;
    const s = p.source;
    if (id !== undefined) {
      const r = inst.rib.peer(id);
      if (r.asn === s.asn && r.bgpIdentifier === s.bgpIdentifier >>> 0) return id;
    }
    const next = inst.rib.addPeer({
      address: p.config.address,
      asn: s.asn,
      bgpIdentifier: s.bgpIdentifier,
      name: p.config.address,
    });
    if (id !== undefined) {
      for (const afi of [1, 2]) {
        let stale = false;
        for (const { prefix, route } of [...inst.rib.adjRibIn(id, afi)]) {
          inst.rib.announce(next, prefix, route.attributes);
          stale ||= route.stale;
        }
        // Only a session loss with graceful restart marks routes, and it marks all of a family.
        if (stale) inst.rib.markStale(next, [afi]);
      }
      inst.rib.removePeer(id);
    }
    inst.ribPeers.set(p, next);
    return next;
  }

  // ---- running -----------------------------------------------------------------------------

  /** Opens listeners and starts every session. */
  async start(): Promise<void> {
    this.started = true;
    for (const inst of this.instances.values()) await this.listen(inst);
    for (const inst of this.instances.values()) for (const p of inst.peers.values()) p.start();
  }

  /**
   * Stops every session and closes the listeners.
   *
   * @param options - `graceful`: close without NOTIFICATION so that peers with graceful restart
   *   keep our routes (RFC 4724); otherwise Cease 6/2 with `message` (RFC 9003)
   */
  async stop(
    options: { readonly graceful?: boolean; readonly message?: string } = {},
  ): Promise<void> {
    this.started = false;
    for (const inst of this.instances.values()) {
      for (const p of inst.peers.values())
        p.stop(options.graceful ?? false, options.message ?? 'bgp-agent stopping');
      await inst.listener?.close();
      inst.listener = undefined;
    }
    await this.sinkChain;
  }

  /** Destroys every session at once without messages (tests, process exit). */
  destroy(): void {
    this.started = false;
    for (const inst of this.instances.values()) {
      for (const p of inst.peers.values()) p.session.destroy();
      void inst.listener?.close();
      inst.listener = undefined;
    }
  }

  /** Hands an incoming connection (e.g. an in-memory transport) to the peer it comes from. */
  accept(instance: string, transport: Transport): boolean {
    const p = this.instance(instance).peers.get(transport.remoteAddress);
    if (!p) {
      transport.destroy();
      return false;
    }
    p.accept(transport);
    return true;
  }

  /** Sends pending changes now instead of on the next microtask; resolves when sinks are done. */
  async flush(): Promise<void> {
    this.runSync();
    await this.sinkChain;
  }

  private markDirty(inst: Instance): void {
    inst.dirty = true;
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.runSync());
  }

  private runSync(): void {
    this.scheduled = false;
    for (const inst of this.instances.values()) {
      this.flushRib(inst);
      if (!inst.dirty) continue;
      inst.dirty = false;
      for (const p of inst.peers.values())
        if (p.session.state === 'Established') this.syncPeer(inst, p);
    }
  }

  private syncPeer(inst: Instance, p: PeerRuntime): void {
    p.sync(this.exportFor(inst, p));
  }

  /**
   * What peer `p` should have: the export hook over the Loc-RIB, then the RFC 4271 rules.
   *
   * This stays in the speaker rather than `@bgp/rib`'s AdjRibOut / exportRoute because the
   * speaker's {@link ExportHook} contract is the other way round: the hook sees the Loc-RIB
   * attributes (what Cilium's policies match and set) and the rules apply after it, whereas
   * AdjRibOut runs its hook on attributes already rewritten for the peer. The speaker's rules also
   * differ on purpose (next hop self towards iBGP for local and eBGP-learned routes, the per-peer
   * `nextHop` override, no origin-AS suppression), and `routes:sent` and `advertised()` need the
   * prefixes and text attributes that AdjRibOut's encoded messages do not give back.
   */
  private exportFor(
    inst: Instance,
    p: PeerRuntime,
  ): Map<string, { prefix: Prefix; attributes: SpeakerRouteAttributes }> {
    const out = new Map<string, { prefix: Prefix; attributes: SpeakerRouteAttributes }>();
    const ref = p.ref;
    const internal = p.internal;
    const hook = p.config.export;
    const self = inst.ribPeers.get(p);
    const bests: RibPath[] = [];
    for (const afi of [1, 2])
      for (const { prefix, best } of inst.rib.locRib(afi))
        if (best.peer.id !== self) bests.push(ribPathOf(prefix, best));
    for (const best of bests) {
      // RFC 4271 §9.2: routes learned from an iBGP peer are not sent to other iBGP peers.
      if (!hook && internal && best.source.kind === 'ibgp') continue;
      const afi = afiOfPrefix(best.prefix);
      const candidate: ExportCandidate = {
        prefix: best.prefix,
        afi,
        attributes: best.attributes,
        source: best.source,
      };
      const r = hook ? hook(candidate, ref) : undefined;
      if (r === null || r === false) continue;
      const base =
        r === undefined || r === true
          ? best.attributes
          : normalizeAttributes({ ...best.attributes, ...r });
      out.set(formatPrefix(best.prefix), {
        prefix: best.prefix,
        attributes: this.exportRules(inst, p, best, base, afi),
      });
    }
    return out;
  }

  private exportRules(
    inst: Instance,
    p: PeerRuntime,
    path: RibPath,
    a: SpeakerRouteAttributes,
    afi: 1 | 2,
  ): SpeakerRouteAttributes {
    const local = p.localAddress ?? p.config.localAddress ?? '0.0.0.0';
    const self =
      afi === 1
        ? (p.config.nextHop?.ipv4 ?? (local.includes(':') ? '0.0.0.0' : local))
        : (p.config.nextHop?.ipv6 ?? (local.includes(':') ? local : mapped(local)));
    if (p.internal) {
      // RFC 4271 §5.1.5: LOCAL_PREF goes to internal peers (GoBGP's default 100 when unset).
      const nextHop =
        path.source.kind === 'local' || path.source.kind === 'ebgp' || !a.nextHop
          ? self
          : a.nextHop;
      return { ...a, localPref: a.localPref ?? 100, nextHop };
    }
    // RFC 4271 §5.1.2 and §5.1.5: prepend our AS, no LOCAL_PREF, next hop self towards eBGP;
    // a MED learned from another AS is not passed on (§5.1.4).
    const { localPref: _lp, med, ...rest } = a;
    return {
      ...rest,
      ...(med !== undefined && path.source.kind === 'local' ? { med } : {}),
      asPath: [inst.config.asn, ...a.asPath],
      nextHop: self,
    };
  }

  private host(inst: Instance) {
    return {
      received: (
        peer: PeerRuntime,
        prefix: Prefix,
        attributes: SpeakerRouteAttributes | undefined,
        stale: boolean,
      ) => {
        const key = formatPrefix(prefix);
        const importHook = this.options.import ?? acceptNone;
        const afi = afiOfPrefix(prefix);
        if (stale) {
          // The session was lost with graceful restart: `retained` marked the RIB paths stale.
        } else if (attributes === undefined) {
          peer.accepted.delete(key);
          const id = inst.ribPeers.get(peer);
          if (id !== undefined) inst.rib.withdraw(id, prefix);
        } else {
          const id = this.ribPeer(inst, peer, true);
          const r = importHook({ prefix, afi, attributes }, peer.ref);
          if (r === false) {
            peer.accepted.delete(key);
            inst.rib.withdraw(id, prefix);
          } else {
            peer.accepted.add(key);
            const attrs = r === true ? attributes : normalizeAttributes({ ...attributes, ...r });
            inst.rib.announce(id, prefix, this.ribAttributesOf(attrs, afi));
          }
        }
        this.markDirty(inst);
      },
      retained: (peer: PeerRuntime) => {
        // RFC 4724 §4.2: keep the routes, marked stale, until End-of-RIB or the timers.
        const id = inst.ribPeers.get(peer);
        if (id !== undefined) inst.rib.markStale(id);
        this.markDirty(inst);
      },
      established: (peer: PeerRuntime, _n: NegotiatedSession) => {
        this.ribPeer(inst, peer, true);
        this.syncPeer(inst, peer);
      },
      event: (name: string, payload: unknown) => {
        (this.emit as (e: string, p: unknown) => boolean)(name, payload);
        if (name === 'peer:down') {
          const e = payload as { name: string; reason: string; notification?: string };
          this.log.info(
            `${inst.config.name}/${e.name}: session down (${e.reason}${e.notification ? `, ${e.notification}` : ''})`,
          );
        } else if (name === 'peer:up')
          this.log.info(`${inst.config.name}/${(payload as { name: string }).name}: Established`);
      },
      log: (level: 'info' | 'warn', message: string) => this.log[level](message),
    };
  }

  /**
   * Flushes the instance's Loc-RIB changes: a `best:change` event per prefix, and the datapath
   * changes {@link DatapathFeeder.changesFor} computes, queued to every sink.
   *
   * The speaker queues the batches itself instead of {@link DatapathFeeder.attach}: attach
   * reconciles each sink to one RIB, which would wipe what another instance installed in a shared
   * sink, and at start-up the routes a sink kept through our restart (RFC 4724 forwarding state).
   * Sinks get learned routes only: an originated route is reachable here already.
   */
  private flushRib(inst: Instance): void {
    const batch = inst.rib.flush();
    if (batch.length === 0) return;
    // A prefix removed, added and removed again in one batch is listed twice: report it once.
    const last = new Map<string, number>();
    for (const [i, c] of batch.entries()) last.set(formatPrefix(c.prefix), i);
    const changes: LocRibChange[] = [...last.values()].map((i) => batch[i]!);
    for (const c of changes)
      this.emit('best:change', {
        instance: inst.config.name,
        prefix: formatPrefix(c.prefix),
        best: c.best
          ? toStatus(inst.config.name, { ...ribPathOf(c.prefix, c.best), best: true })
          : null,
      });
    if ((this.components.sinks ?? []).length === 0) return;
    const learned = (b: RibRoute | undefined): boolean =>
      b !== undefined &&
      b.peer.kind !== 'local' &&
      b.attributes.attributes.nextHop.some((x) => x !== 0);
    const ds = inst.feeder.changesFor(changes);
    changes.forEach((c, i) => {
      const d = ds[i]!;
      this.pendingSink.push(
        d.op === 'upsert' && !learned(c.best) ? { op: 'remove', prefix: c.prefix } : d,
      );
    });
    if (this.pendingSink.length === 0) return;
    const out = this.pendingSink;
    this.pendingSink = [];
    for (const sink of this.components.sinks ?? []) {
      this.sinkChain = this.sinkChain.then(() =>
        sink
          .apply(out)
          .catch((err: unknown) =>
            this.log.error(`datapath ${sink.name}: ${(err as Error).message}`),
          ),
      );
    }
  }

  // ---- status ------------------------------------------------------------------------------

  /** Every peer with state, uptime, negotiated timers and capabilities, per-family counts. */
  peers(): PeerStatus[] {
    const now = (this.components.clock ?? { now: () => performance.now() }).now();
    const out: PeerStatus[] = [];
    for (const inst of this.instances.values()) {
      for (const p of inst.peers.values()) {
        const n = p.session.state === 'Established' ? p.session.negotiated : undefined;
        out.push({
          instance: inst.config.name,
          name: p.config.name ?? p.config.address,
          peerAddress: p.config.address,
          peerPort: p.config.port ?? 179,
          peerASN: n?.peerAs ?? p.config.asn,
          localASN: inst.config.asn,
          sessionState: p.session.state,
          uptimeSeconds:
            p.establishedAt !== undefined ? Math.floor((now - p.establishedAt) / 1000) : 0,
          holdTime: n?.holdTime ?? p.config.holdTime ?? 90,
          keepalive:
            n?.keepaliveTime ?? p.config.keepaliveTime ?? Math.floor((p.config.holdTime ?? 90) / 3),
          capabilities: n ? capabilityNames(n) : [],
          families: p.counts(),
          lastError: p.lastError,
        });
      }
    }
    return out;
  }

  /** Every path in the Loc-RIBs of family `afi` (locally originated and accepted ones). */
  routes(afi: 1 | 2, instance?: string): RouteStatus[] {
    const out: RouteStatus[] = [];
    for (const inst of this.instances.values()) {
      if (instance !== undefined && inst.config.name !== instance) continue;
      for (const prefix of prefixesOf(inst.rib, afi))
        for (const c of inst.rib.explain(prefix).candidates)
          out.push(toStatus(inst.config.name, { ...ribPathOf(prefix, c.route), best: c.best }));
    }
    // Stable sort: paths of one prefix keep their best-first order.
    return sortedByPrefix(out);
  }

  /** Every path received from peers (Adj-RIB-In, accepted or not) of family `afi`. */
  received(afi: 1 | 2, peer?: string): RouteStatus[] {
    const out: RouteStatus[] = [];
    for (const inst of this.instances.values())
      for (const p of inst.peers.values()) {
        if (peer !== undefined && p.config.address !== peer) continue;
        for (const r of p.received())
          if (afiOfPrefix(r.prefix) === afi)
            out.push(
              toStatus(inst.config.name, {
                ...r,
                best: (() => {
                  const b = inst.rib.best(r.prefix);
                  return b !== undefined && b.peer.id === inst.ribPeers.get(p);
                })(),
              }),
            );
      }
    return sortedByPrefix(out);
  }

  /** What was sent to each peer (Adj-RIB-Out) in family `afi`. */
  advertised(afi: 1 | 2, peer?: string): AdvertisedStatus[] {
    const out: AdvertisedStatus[] = [];
    for (const inst of this.instances.values())
      for (const p of inst.peers.values()) {
        if (peer !== undefined && p.config.address !== peer) continue;
        out.push({
          instance: inst.config.name,
          name: p.config.name ?? p.config.address,
          peerAddress: p.config.address,
          routes: sortedByPrefix(
            [...p.adjOut.values()]
              .filter((e) => afiOfPrefix(e.prefix) === afi)
              .map((e) => ({
                prefix: formatPrefix(e.prefix),
                nextHop: e.attributes.nextHop ?? null,
                attributes: e.attributes,
              })),
          ),
        });
      }
    return out;
  }

  /** Why the best path of `prefix` won, per instance: every candidate with the step it lost at. */
  explain(prefix: string | Prefix): ExplainedRoute[] {
    const p = typeof prefix === 'string' ? parsePrefix(prefix) : prefix;
    const out: ExplainedRoute[] = [];
    for (const inst of this.instances.values())
      for (const c of inst.rib.explain(p).candidates)
        out.push({
          ...toStatus(inst.config.name, { ...ribPathOf(p, c.route), best: c.best }),
          ...(c.lostAt ? { lostAt: c.lostAt } : {}),
        });
    return out;
  }
}

/** Names of the negotiated capabilities, for status. */
export function capabilityNames(n: NegotiatedSession): string[] {
  const out = n.families.map(
    (f) =>
      `mp-${f.afi === 1 ? 'ipv4' : f.afi === 2 ? 'ipv6' : f.afi}-${f.safi === 1 ? 'unicast' : f.safi}`,
  );
  if (n.fourOctetAs) out.push('4-octet-as');
  if (n.routeRefresh) out.push('route-refresh');
  if (n.enhancedRouteRefresh) out.push('enhanced-route-refresh');
  if (n.extendedMessage) out.push('extended-message');
  if (n.peerGracefulRestart) out.push(`graceful-restart(${n.peerGracefulRestart.restartTime}s)`);
  for (const [k, v] of n.addPath) if (v.send || v.receive) out.push(`add-path(${k})`);
  return out;
}
