import {
  AddPathMode,
  Afi,
  AS_TRANS,
  BgpRole,
  type Capability,
  CapabilityCode,
  createOpen,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  familyKey,
  isBgpError,
  type OpenMessage,
  Safi,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import {
  localCapabilities,
  type NegotiationConfig,
  negotiate,
  validateOpen,
} from '../src/index.js';

const LOCAL: NegotiationConfig = { localAs: 65001, peerAs: 65002, bgpIdentifier: 0x01010101 };
const V6: { afi: number; safi: number } = { afi: Afi.IPV6, safi: Safi.UNICAST };
const V4: { afi: number; safi: number } = { afi: Afi.IPV4, safi: Safi.UNICAST };

function peerOpen(
  o: Partial<{
    asn: number;
    holdTime: number;
    bgpIdentifier: number;
    capabilities: Capability[];
    version: number;
  }> = {},
): OpenMessage {
  const asn = o.asn ?? 65002;
  const open = createOpen({
    asn,
    holdTime: o.holdTime ?? 90,
    bgpIdentifier: o.bgpIdentifier ?? 0x02020202,
    capabilities:
      o.capabilities ?? localCapabilities({ localAs: asn, peerAs: 0, bgpIdentifier: 1 }),
  });
  return o.version === undefined ? open : { ...open, version: o.version };
}

function errorOf(f: () => unknown): { code: number; subcode: number; data: Uint8Array } {
  try {
    f();
  } catch (err) {
    if (isBgpError(err)) return err.toNotification();
    throw err;
  }
  throw new Error('no error');
}

describe('OPEN validation (RFC 4271 §6.2)', () => {
  it('2/1 unsupported version, data = largest supported version', () => {
    const e = errorOf(() => validateOpen(peerOpen({ version: 3 }), LOCAL));
    expect([e.code, e.subcode, [...e.data]]).toEqual([2, 1, [0, 4]]);
  });

  it('2/2 bad peer AS; peer AS 0 accepts any AS and reports the learned one', () => {
    expect(errorOf(() => validateOpen(peerOpen({ asn: 65003 }), LOCAL))).toMatchObject({
      code: 2,
      subcode: 2,
    });
    expect(negotiate({ ...LOCAL, peerAs: 0 }, peerOpen({ asn: 4_200_000_000 })).peerAs).toBe(
      4_200_000_000,
    );
    // A dynamic range with an AS rule.
    const ranged = { ...LOCAL, peerAs: 0, acceptPeerAs: (a: number) => a >= 65000 && a < 65100 };
    expect(negotiate(ranged, peerOpen({ asn: 65050 })).peerAs).toBe(65050);
    expect(errorOf(() => validateOpen(peerOpen({ asn: 65200 }), ranged))).toMatchObject({
      code: 2,
      subcode: 2,
    });
    // RFC 6793: AS_TRANS inside the 4-octet capability is a bad peer AS.
    const trans = peerOpen({
      asn: 65002,
      capabilities: [{ code: CapabilityCode.FOUR_OCTET_AS, name: 'FOUR_OCTET_AS', asn: AS_TRANS }],
    });
    expect(errorOf(() => validateOpen(trans, { ...LOCAL, peerAs: 0 }))).toMatchObject({
      code: 2,
      subcode: 2,
    });
  });

  it('a 4-octet peer AS is read from the capability, the 2-octet field holding AS_TRANS', () => {
    const open = peerOpen({ asn: 4_200_000_001 });
    expect(open.myAutonomousSystem).toBe(AS_TRANS);
    expect(negotiate({ ...LOCAL, peerAs: 4_200_000_001 }, open).peerAs).toBe(4_200_000_001);
  });

  it('2/3 bad BGP Identifier: zero always; our own only for iBGP (RFC 6286)', () => {
    expect(errorOf(() => validateOpen(peerOpen({ bgpIdentifier: 0 }), LOCAL))).toMatchObject({
      code: 2,
      subcode: 3,
    });
    const ibgp = { ...LOCAL, peerAs: 65001 };
    expect(
      errorOf(() => validateOpen(peerOpen({ asn: 65001, bgpIdentifier: 0x01010101 }), ibgp)),
    ).toMatchObject({
      code: 2,
      subcode: 3,
    });
    // eBGP with the same identifier is legal (RFC 6286 §2.2).
    expect(validateOpen(peerOpen({ bgpIdentifier: 0x01010101 }), LOCAL)).toBe(65002);
  });

  it('2/6 unacceptable hold time for 1 and 2 (and below a configured minimum)', () => {
    for (const h of [1, 2])
      expect(errorOf(() => validateOpen(peerOpen({ holdTime: h }), LOCAL))).toMatchObject({
        code: 2,
        subcode: 6,
      });
    expect(
      errorOf(() => validateOpen(peerOpen({ holdTime: 5 }), { ...LOCAL, minHoldTime: 9 })),
    ).toMatchObject({ code: 2, subcode: 6 });
    expect(validateOpen(peerOpen({ holdTime: 0 }), { ...LOCAL, minHoldTime: 9 })).toBe(65002);
    expect(validateOpen(peerOpen({ holdTime: 3 }), LOCAL)).toBe(65002);
  });

  it('2/11 role mismatch (RFC 9234)', () => {
    const role = (r: number): Capability => ({
      code: CapabilityCode.BGP_ROLE,
      name: 'BGP_ROLE',
      role: r,
    });
    const base = localCapabilities({ localAs: 65002, peerAs: 0, bgpIdentifier: 1 });
    const asProvider = { ...LOCAL, role: BgpRole.PROVIDER };
    expect(
      negotiate(asProvider, peerOpen({ capabilities: [...base, role(BgpRole.CUSTOMER)] })).role,
    ).toEqual({
      local: BgpRole.PROVIDER,
      peer: BgpRole.CUSTOMER,
    });
    expect(
      errorOf(() =>
        validateOpen(peerOpen({ capabilities: [...base, role(BgpRole.PEER)] }), asProvider),
      ),
    ).toMatchObject({
      code: 2,
      subcode: 11,
    });
    // Two different roles in one OPEN.
    const two = [...base, role(BgpRole.CUSTOMER), role(BgpRole.PEER)];
    expect(errorOf(() => validateOpen(peerOpen({ capabilities: two }), asProvider))).toMatchObject({
      code: 2,
      subcode: 11,
    });
    // Strict mode: no role at all.
    expect(validateOpen(peerOpen(), asProvider)).toBe(65002);
    expect(
      errorOf(() => validateOpen(peerOpen(), { ...asProvider, strictRole: true })),
    ).toMatchObject({ code: 2, subcode: 11 });
  });

  it('2/7 unsupported capability when a required one is missing, data = the capability TLVs', () => {
    const caps = localCapabilities({ localAs: 65002, peerAs: 0, bgpIdentifier: 1 }).filter(
      (c) => c.code !== CapabilityCode.ROUTE_REFRESH,
    );
    const e = errorOf(() =>
      validateOpen(peerOpen({ capabilities: caps }), {
        ...LOCAL,
        requiredCapabilities: [CapabilityCode.ROUTE_REFRESH],
      }),
    );
    expect([e.code, e.subcode, [...e.data]]).toEqual([2, 7, [CapabilityCode.ROUTE_REFRESH, 0]]);
  });
});

describe('negotiation result', () => {
  it('hold time: the smaller of both; keepalive a third unless configured; 0 means none', () => {
    expect(negotiate(LOCAL, peerOpen({ holdTime: 30 }))).toMatchObject({
      holdTime: 30,
      keepaliveTime: 10,
    });
    expect(negotiate({ ...LOCAL, holdTime: 9 }, peerOpen({ holdTime: 180 }))).toMatchObject({
      holdTime: 9,
      keepaliveTime: 3,
    });
    expect(negotiate({ ...LOCAL, keepaliveTime: 5 }, peerOpen())).toMatchObject({
      holdTime: 90,
      keepaliveTime: 5,
    });
    // A configured keepalive never exceeds a third of a smaller negotiated hold time.
    expect(negotiate({ ...LOCAL, keepaliveTime: 60 }, peerOpen({ holdTime: 30 }))).toMatchObject({
      keepaliveTime: 10,
    });
    expect(negotiate(LOCAL, peerOpen({ holdTime: 0 }))).toMatchObject({
      holdTime: 0,
      keepaliveTime: 0,
    });
    expect(negotiate({ ...LOCAL, holdTime: 0 }, peerOpen({ holdTime: 90 }))).toMatchObject({
      holdTime: 0,
      keepaliveTime: 0,
    });
    expect(negotiate(LOCAL, peerOpen({ holdTime: 3 }))).toMatchObject({
      holdTime: 3,
      keepaliveTime: 1,
    });
  });

  it('families are the intersection; a peer without MP capabilities means IPv4 unicast', () => {
    const ours = { ...LOCAL, families: [V4, V6] };
    const peerCaps = localCapabilities({
      localAs: 65002,
      peerAs: 0,
      bgpIdentifier: 1,
      families: [V6],
    });
    expect(negotiate(ours, peerOpen({ capabilities: peerCaps })).families).toEqual([V6]);
    const none = negotiate(ours, peerOpen({ capabilities: [] }));
    expect(none.families).toEqual([V4]);
    expect(none.fourOctetAs).toBe(false);
    expect(none.routeRefresh).toBe(false);
    expect(none.receiveContext.fourOctetAs).toBe(false);
  });

  it('ADD-PATH per family and direction, and the two codec contexts', () => {
    const ours: NegotiationConfig = {
      ...LOCAL,
      families: [V4, V6],
      addPath: [
        { ...V4, mode: AddPathMode.BOTH },
        { ...V6, mode: AddPathMode.RECEIVE },
      ],
      extendedMessage: true,
      extendedNextHop: [{ ...V4, nextHopAfi: Afi.IPV6 }],
    };
    const peer = localCapabilities({
      localAs: 65002,
      peerAs: 0,
      bgpIdentifier: 1,
      families: [V4, V6],
      addPath: [
        { ...V4, mode: AddPathMode.SEND },
        { ...V6, mode: AddPathMode.SEND },
      ],
      extendedMessage: true,
      extendedNextHop: [{ ...V4, nextHopAfi: Afi.IPV6 }],
    });
    const n = negotiate(ours, peerOpen({ capabilities: peer }));
    const k4 = familyKey(V4.afi, V4.safi);
    const k6 = familyKey(V6.afi, V6.safi);
    expect(n.addPath.get(k4)).toEqual({ receive: true, send: false });
    expect(n.addPath.get(k6)).toEqual({ receive: true, send: false });
    expect([...n.receiveContext.addPath].sort()).toEqual([k4, k6].sort());
    expect(n.sendContext.addPath.size).toBe(0);
    expect(n.extendedMessage).toBe(true);
    expect(n.receiveContext.extendedMessage && n.sendContext.extendedMessage).toBe(true);
    expect([...n.sendContext.extendedNextHop]).toEqual([k4]);
    expect([...n.receiveContext.extendedNextHop]).toEqual([k4]);
    expect(n.fourOctetAs && n.routeRefresh && n.enhancedRouteRefresh).toBe(true);
  });

  it('graceful restart of both sides: R/N bits, restart time, F bits per family; LLGR', () => {
    const ours: NegotiationConfig = {
      ...LOCAL,
      families: [V4, V6],
      gracefulRestart: { restartTime: 120, forwardingFamilies: [V4] },
      longLivedGracefulRestart: [{ ...V4, staleTime: 3600 }],
    };
    const caps = localCapabilities(ours);
    const gr = caps.find((c) => c.name === 'GRACEFUL_RESTART');
    expect(gr).toMatchObject({ restartState: false, notification: true, restartTime: 120 });
    expect(gr && 'families' in gr ? gr.families : []).toEqual([
      { ...V4, forwardingState: true },
      { ...V6, forwardingState: false },
    ]);
    const peer = localCapabilities({
      localAs: 65002,
      peerAs: 0,
      bgpIdentifier: 1,
      families: [V4, V6],
      gracefulRestart: {
        restartTime: 90,
        restarting: true,
        notification: false,
        forwardingFamilies: [V6],
      },
      longLivedGracefulRestart: [{ ...V4, staleTime: 600 }],
    });
    const n = negotiate(ours, peerOpen({ capabilities: peer }));
    expect(n.peerGracefulRestart).toEqual({
      restartState: true,
      notification: false,
      restartTime: 90,
      families: [
        { ...V4, forwardingState: false },
        { ...V6, forwardingState: true },
      ],
    });
    expect(n.localGracefulRestart?.restartTime).toBe(120);
    expect(n.peerLongLivedGracefulRestart).toEqual([
      { ...V4, forwardingState: false, staleTime: 600 },
    ]);
    // Without our own GR capability, the peer's is not negotiated.
    expect(negotiate(LOCAL, peerOpen({ capabilities: peer })).peerGracefulRestart).toBeUndefined();
  });

  it('our OPEN round-trips through the wire codec', () => {
    const cfg: NegotiationConfig = {
      ...LOCAL,
      localAs: 4_200_000_000,
      families: [V4, V6],
      role: BgpRole.PEER,
      hostname: 'r1',
      gracefulRestart: { restartTime: 120 },
    };
    const open = createOpen({
      asn: cfg.localAs,
      holdTime: 90,
      bgpIdentifier: cfg.bgpIdentifier,
      capabilities: localCapabilities(cfg),
    });
    const back = decodeMessage(
      encodeMessage(open, DEFAULT_CONTEXT),
      DEFAULT_CONTEXT,
    ) as OpenMessage;
    const n = negotiate(
      {
        localAs: 65002,
        peerAs: 4_200_000_000,
        bgpIdentifier: 7,
        families: [V6],
        role: BgpRole.PEER,
        gracefulRestart: { restartTime: 1 },
      },
      back,
    );
    expect(n).toMatchObject({
      peerAs: 4_200_000_000,
      families: [V6],
      peerHostname: 'r1',
      role: { local: BgpRole.PEER, peer: BgpRole.PEER },
    });
  });
});
