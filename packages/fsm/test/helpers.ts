/** Shared fixtures of the session tests: in-memory peers, a raw scripted peer, settling. */
import {
  AS4_CONTEXT,
  type BgpMessage,
  createOpen,
  decodeMessage,
  encodeMessage,
  Framer,
  KEEPALIVE,
  type NotificationMessage,
} from '@bgp/wire';
import {
  createMemoryTransportPair,
  localCapabilities,
  ManualClock,
  type MemoryTransport,
  type NegotiationConfig,
  Session,
  type SessionOptions,
} from '../src/index.js';

/** Lets queued microtasks and immediates run (socket-like delivery), without real sleeps. */
export async function settle(rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Waits (on I/O, not on timers) until `cond` holds. */
export async function until(cond: () => boolean, what = 'condition', rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (cond()) return;
    await new Promise<void>((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Options of the left (active) and right (passive) test sessions. */
export const LEFT: SessionOptions = {
  peerAddress: '127.0.0.2',
  name: 'left',
  localAs: 65001,
  peerAs: 65002,
  bgpIdentifier: 0x01010101,
};
/** See {@link LEFT}. */
export const RIGHT: SessionOptions = {
  peerAddress: '127.0.0.1',
  name: 'right',
  localAs: 65002,
  peerAs: 65001,
  bgpIdentifier: 0x02020202,
};

/** Two sessions joined by in-memory transports: `left` connects, `right` accepts. */
export function memoryPair(
  left: Partial<SessionOptions> = {},
  right: Partial<SessionOptions> = {},
  clock = new ManualClock(),
): { clock: ManualClock; left: Session; right: Session; transports: MemoryTransport[] } {
  const transports: MemoryTransport[] = [];
  let r: Session | undefined;
  const l = new Session(
    { ...LEFT, ...left },
    {
      clock,
      random: () => 0.999999,
      connector: async () => {
        const [a, b] = createMemoryTransportPair();
        transports.push(a, b);
        queueMicrotask(() => r!.accept(b));
        return a;
      },
    },
  );
  r = new Session({ ...RIGHT, ...right }, { clock, random: () => 0.999999 });
  return { clock, left: l, right: r, transports };
}

/** A scripted peer speaking raw bytes over one end of a memory pair. */
export class RawPeer {
  /** Messages received from the session under test. */
  readonly received: BgpMessage[] = [];
  /** True once the session closed the connection. */
  closed = false;
  private readonly framer = new Framer({ maxMessageLength: 65535 });

  constructor(readonly transport: MemoryTransport) {
    transport.attach({
      data: (c) => {
        this.framer.push(c);
        for (const m of this.framer) this.received.push(decodeMessage(m, AS4_CONTEXT));
      },
      drain() {},
      close: () => {
        this.closed = true;
      },
    });
  }

  /** Sends raw bytes. */
  send(bytes: Uint8Array): void {
    this.transport.write(bytes);
  }

  /** Sends our OPEN (4-octet AS, route refresh ...) for the given identity. */
  sendOpen(c: NegotiationConfig, holdTime = 90): void {
    this.send(
      encodeMessage(
        createOpen({
          asn: c.localAs,
          holdTime,
          bgpIdentifier: c.bgpIdentifier,
          capabilities: localCapabilities(c),
        }),
        AS4_CONTEXT,
      ),
    );
  }

  /** Sends a KEEPALIVE. */
  sendKeepalive(): void {
    this.send(encodeMessage(KEEPALIVE, AS4_CONTEXT));
  }

  /** The NOTIFICATIONs received. */
  notifications(): NotificationMessage[] {
    return this.received.filter((m): m is NotificationMessage => m.type === 'NOTIFICATION');
  }

  /** Count of received messages of a type. */
  count(type: BgpMessage['type']): number {
    return this.received.filter((m) => m.type === type).length;
  }
}

/**
 * A session under test (passive, accepting) and a raw peer that has brought it to Established.
 */
export async function establishedWithRawPeer(
  options: Partial<SessionOptions> = {},
  clock = new ManualClock(),
  peerHold = 90,
): Promise<{ clock: ManualClock; session: Session; peer: RawPeer }> {
  const session = new Session({ ...RIGHT, ...options }, { clock, random: () => 0.999999 });
  session.start();
  const [a, b] = createMemoryTransportPair();
  const peer = new RawPeer(a);
  session.accept(b);
  peer.sendOpen(
    { localAs: 65001, peerAs: 0, bgpIdentifier: 0x01010101, gracefulRestart: { restartTime: 120 } },
    peerHold,
  );
  await until(() => peer.count('OPEN') === 1 && peer.count('KEEPALIVE') >= 1, 'OPEN and KEEPALIVE');
  peer.sendKeepalive();
  await until(() => session.state === 'Established', 'Established');
  return { clock, session, peer };
}
