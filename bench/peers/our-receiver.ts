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
 * Sessions run with `updateDecoding: 'raw'`: the body goes straight into `ingestUpdate`, whose
 * allocation-free prefix walk is then the only decode (the session's full decode would build an
 * object per prefix only to be thrown away), and an error it finds is sent back through
 * `Session.fail`. The RIB's tables are pre-sized from the expected prefix counts the parent
 * passes, so loading the feed does not rehash them at every growth step. For A/B runs, env
 * `OURS_UPDATE_DECODING=full` restores the decode-then-ingest path (`update:received`) and
 * `OURS_PRESIZE=0` the small initial tables.
 *
 * Control: the parent sends JSON messages over the IPC channel (`init`, `count`, `has`, `gc`,
 * `stop`) and gets replies with the same `id`.
 *
 * @module
 */
import { Listener, Session } from '@bgp/fsm';
import { ingestUpdate, LOCAL_PEER, Rib, routeAttributesFrom, writeRouteAttributes } from '@bgp/rib';
import {
  AS4_CONTEXT,
  type CodecContext,
  decodeAttributeList,
  encodeMessage,
  isBgpError,
  type PathAttribute,
  type Prefix,
  parsePrefix,
  type UpdateMessage,
  Writer,
} from '@bgp/wire';
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
  /** Prefixes the Loc-RIB will hold (pre-sizes it). */
  readonly expectedRoutes?: number;
  /** Feeders and sink. */
  readonly neighbours: readonly {
    readonly address: string;
    readonly asn: number;
    readonly sink: boolean;
    /** Prefixes this feeder will send (pre-sizes its Adj-RIB-In). */
    readonly expectedRoutes?: number;
  }[];
  /** Synthetic table to originate (rebuilt here from the same seed). */
  readonly originate?: Omit<SyntheticOptions, 'nextHop'> & { readonly nextHop: readonly number[] };
}

type Request =
  | { id: number; cmd: 'init'; init: OurInit }
  | { id: number; cmd: 'count' }
  | { id: number; cmd: 'has'; prefix: string }
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

const RAW = process.env.OURS_UPDATE_DECODING !== 'full';
const PRESIZE = process.env.OURS_PRESIZE !== '0';

function init(o: OurInit): void {
  const r = new Rib({
    localAsn: o.asn,
    routerId: o.routerId,
    ...(PRESIZE && o.expectedRoutes !== undefined
      ? { expectedRoutes: { ipv4: o.expectedRoutes } }
      : {}),
  });
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
    // Columns only: nobody here reads the changes (a speaker's consumers would).
    r.flushBatch();
  };
  for (const n of o.neighbours) {
    const s = new Session({
      peerAddress: n.address,
      localAs: o.asn,
      peerAs: n.asn,
      bgpIdentifier: o.routerId,
      holdTime: 180,
      fsm: { passiveTcpEstablishment: true },
      updateDecoding: RAW ? 'raw' : 'full',
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
        ...(PRESIZE && n.expectedRoutes !== undefined
          ? { expectedRoutes: { ipv4: n.expectedRoutes } }
          : {}),
      });
    });
    const onUpdate = (body: Uint8Array, context: CodecContext): void => {
      if (peer < 0) return;
      try {
        ingestUpdate(r, peer, body, context);
      } catch (err) {
        // RFC 7606 reset found by the RIB's decode: the session sends the NOTIFICATION.
        if (!isBgpError(err)) throw err;
        s.fail(err);
        send({ event: 'error', message: `${n.address}: ${err.message}` });
        return;
      }
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    };
    s.on('update:raw', ({ body, context }) => onUpdate(body, context));
    s.on('update:received', ({ bytes }) =>
      onUpdate(bytes.subarray(19), s.negotiated?.receiveContext ?? AS4_CONTEXT),
    );
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
    } else if (m.cmd === 'has') {
      send({ id: m.id, has: (rib?.paths(parsePrefix(m.prefix)).length ?? 0) > 0 });
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
