/**
 * Our receiver as a child process (so that its RSS and CPU time are its own): @bgp/fsm sessions
 * behind one Listener, feeding @bgp/rib's Adj-RIB-In and Loc-RIB through `ingestUpdate`, and,
 * when asked, originating routes and advertising them to a sink.
 *
 * This composes the packages directly because @bgp/speaker's Speaker is not usable yet; it does
 * what a speaker's receive path does: one Session per neighbour, the peer registered in the RIB
 * once Established, every UPDATE body handed to the RIB, change batches flushed once per
 * event-loop turn (setImmediate) rather than per message.
 *
 * Control: the parent sends JSON messages over the IPC channel (`init`, `count`, `stop`) and
 * gets replies with the same `id`.
 *
 * @module
 */
import { Listener, Session } from '@bgp/fsm';
import {
  AS4_CONTEXT,
  decodeAttributeList,
  encodeMessage,
  type PathAttribute,
  type Prefix,
  type UpdateMessage,
  Writer,
} from '@bgp/wire';
import { writeRouteAttributes } from '../../packages/rib/src/attribute-codec.js';
import { LOCAL_PEER, Rib } from '../../packages/rib/src/rib.js';
import { ingestUpdate, routeAttributesFrom } from '../../packages/rib/src/wire-adapter.js';
import { type SyntheticOptions, syntheticTable, type Table } from './table.js';

/** The parent's `init` message. */
export interface OurInit {
  /** Listening address. */
  readonly address: string;
  /** Listening port. */
  readonly port: number;
  /** Our AS. */
  readonly asn: number;
  /** Router id as u32. */
  readonly routerId: number;
  /** Feeders and sink. */
  readonly neighbours: readonly {
    readonly address: string;
    readonly asn: number;
    readonly sink: boolean;
  }[];
  /** Synthetic table to originate (rebuilt here from the same seed). */
  readonly originate?: Omit<SyntheticOptions, 'nextHop'> & { readonly nextHop: readonly number[] };
}

type Request =
  | { id: number; cmd: 'init'; init: OurInit }
  | { id: number; cmd: 'count' }
  | { id: number; cmd: 'gc' }
  | { id: number; cmd: 'stop' };

const send = (m: unknown): void => {
  process.send?.(m);
};

let rib: Rib | undefined;
let listener: Listener | undefined;
const sessions: Session[] = [];

function originate(r: Rib, t: Table): Map<number, { attrs: PathAttribute[]; prefixes: Prefix[] }> {
  // Local routes enter as if learned from the local pseudo-peer; the groups remember which
  // wire attributes each interned set stands for.
  const groups = new Map<number, { attrs: PathAttribute[]; prefixes: Prefix[] }>();
  for (let s = 0; s < t.sets.length; s++) {
    const attrs = t.sets[s]!;
    const nh = attrs.find((a) => a.typeCode === 3)!.value as Uint8Array;
    const set = r.intern(routeAttributesFrom(attrs, nh, { fourOctetAs: true, peerKind: 'local' }));
    for (let i = t.setStart[s]!; i < t.setStart[s + 1]!; i++)
      r.announceIpv4(LOCAL_PEER, t.address[i]!, t.length[i]!, set);
  }
  // The Loc-RIB decides what is advertised: group its best paths by attribute set.
  r.flush();
  for (const { prefix, best } of r.locRib(1)) {
    let g = groups.get(best.attributes.id);
    if (!g) {
      g = { attrs: wireAttributes(best.attributes.attributes), prefixes: [] };
      groups.set(best.attributes.id, g);
    }
    g.prefixes.push(prefix);
  }
  return groups;
}

/** The wire attributes of an interned set: written by the RIB's codec, decoded by wire's. */
function wireAttributes(a: Parameters<typeof writeRouteAttributes>[0]): PathAttribute[] {
  const w = new Writer(256);
  writeRouteAttributes(a, { fourOctetAs: true, nextHop: 'attribute' }, w);
  const bytes = w.finish();
  return [...decodeAttributeList(bytes, 0, bytes.length, AS4_CONTEXT).attributes];
}

/** Sends every group to the session, packing each into UPDATEs of at most 4096 bytes. */
async function advertise(
  s: Session,
  groups: Map<number, { attrs: PathAttribute[]; prefixes: Prefix[] }>,
): Promise<void> {
  const ctx = s.negotiated?.sendContext ?? AS4_CONTEXT;
  for (const g of groups.values()) {
    const room =
      4096 -
      encodeMessage({ type: 'UPDATE', withdrawn: [], attributes: g.attrs, nlri: [] }, ctx).length;
    let i = 0;
    while (i < g.prefixes.length) {
      const nlri: { prefix: Prefix }[] = [];
      let used = 0;
      while (i < g.prefixes.length) {
        const size = 1 + ((g.prefixes[i]!.length + 7) >> 3);
        if (used + size > room) break;
        used += size;
        nlri.push({ prefix: g.prefixes[i]! });
        i++;
      }
      const msg: UpdateMessage = { type: 'UPDATE', withdrawn: [], attributes: g.attrs, nlri };
      if (!s.sendUpdate(msg)) {
        if (s.state !== 'Established') throw new Error(`sink session ${s.state}`);
        await new Promise<void>((resolve) => s.once('drain', () => resolve()));
      }
    }
  }
  s.sendEndOfRib(1, 1);
}

function init(o: OurInit): void {
  const r = new Rib({ localAsn: o.asn, routerId: o.routerId });
  rib = r;
  let groups: Map<number, { attrs: PathAttribute[]; prefixes: Prefix[] }> | undefined;
  if (o.originate)
    groups = originate(
      r,
      syntheticTable({ ...o.originate, nextHop: Uint8Array.from(o.originate.nextHop) }),
    );
  const l = new Listener({ host: o.address, port: o.port });
  listener = l;
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    r.flush();
  };
  for (const n of o.neighbours) {
    const s = new Session({
      peerAddress: n.address,
      localAs: o.asn,
      peerAs: n.asn,
      bgpIdentifier: o.routerId,
      holdTime: 180,
      fsm: { passiveTcpEstablishment: true },
    });
    sessions.push(s);
    let peer = -1;
    s.on('established', ({ negotiated }) => {
      if (n.sink) {
        if (groups)
          advertise(s, groups).catch((err) => send({ event: 'error', message: String(err) }));
        return;
      }
      peer = r.addPeer({
        address: n.address,
        asn: n.asn,
        bgpIdentifier: negotiated.peerBgpIdentifier,
      });
    });
    s.on('update:received', ({ bytes }) => {
      if (peer < 0) return;
      ingestUpdate(r, peer, bytes.subarray(19), s.negotiated?.receiveContext ?? AS4_CONTEXT);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
    s.on('session:down', (e) => send({ event: 'down', peer: n.address, reason: e.reason }));
    l.addPeer(n.address, s);
    s.start();
  }
  l.listen().then(
    () => send({ event: 'listening' }),
    (err) => send({ event: 'error', message: String(err) }),
  );
}

process.on('message', (m: Request) => {
  try {
    if (m.cmd === 'init') {
      init(m.init);
      send({ id: m.id, ok: true });
    } else if (m.cmd === 'count') {
      send({ id: m.id, count: rib?.prefixCount(1) ?? 0 });
    } else if (m.cmd === 'gc') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      send({ id: m.id, ok: gc !== undefined });
    } else if (m.cmd === 'stop') {
      for (const s of sessions) s.destroy();
      void listener?.close();
      send({ id: m.id, ok: true });
      // process.exit runs the --cpu-prof writer; a short delay lets the reply go out.
      setTimeout(() => process.exit(0), 50);
    }
  } catch (err) {
    send({ id: m.id, error: err instanceof Error ? err.stack : String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
send({ event: 'ready' });
