// Unit tests of the harness's parsers of daemon output (no daemons needed): the interop tests
// depend on them to read state back, so their corner cases are pinned here.
import { describe, expect, it } from 'vitest';
import {
  assertLoopback,
  gobgpGracefulRestartTime,
  lastLoggedNotification,
  parseBirdError,
  parseBirdProtocol,
  parseBirdRoutes,
  shutdownCommunication,
  unescapeFrr,
} from './harness/index.js';

describe('harness parsers', () => {
  it('BIRD last error texts map to NOTIFICATION codes, with the shutdown text', () => {
    expect(parseBirdError('Received: Administrative shutdown: going down')).toEqual({
      direction: 'received',
      code: 6,
      subcode: 2,
      message: 'going down',
    });
    expect(parseBirdError('Error: Bad peer AS: 65011')).toMatchObject({
      direction: 'sent',
      code: 2,
      subcode: 2,
    });
    expect(parseBirdError('Socket: Connection refused')).toBeUndefined();
  });

  it('BIRD protocol and route output', () => {
    const proto = [
      'Name       Proto      Table      State  Since         Info',
      'p1         BGP        ---        up     06:06:47.919  Established',
      '  BGP state:          Established',
      '    Neighbor AS:      65004',
      '    Neighbor ID:      10.0.0.4',
      '    Neighbor capabilities',
      '      Multiprotocol',
      '        AF announced: ipv4',
      '      Route refresh',
      '      4-octet AS numbers',
      '      Hostname: vm',
      '    Session:          external multihop AS4',
      '    Hold timer:       26.446/30',
    ].join('\n');
    expect(parseBirdProtocol(proto, '127.0.0.14', 65004)).toMatchObject({
      state: 'Established',
      asn: 65004,
      routerId: '10.0.0.4',
      holdTime: 30,
      remoteCapabilities: ['multiprotocol:ipv4-unicast', 'route-refresh', 'four-octet-as', 'fqdn'],
    });
    const routes = [
      'Table master4:',
      '10.4.0.0/24          unreachable [p1 06:06:47.919 from 127.0.0.14] * (100) [AS65004?]',
      '\tType: BGP univ',
      '\tBGP.as_path: 65004 65010',
      '\tBGP.next_hop: 192.0.2.4',
      '                     unreachable [p2 06:06:48.000 from 127.0.0.15] (100) [AS65005?]',
      '\tBGP.as_path: 65005',
      '\tBGP.next_hop: 192.0.2.5',
    ].join('\n');
    expect(parseBirdRoutes(routes, '127.0.0.14')).toEqual([
      { prefix: '10.4.0.0/24', asPath: [65004, 65010], nextHop: '192.0.2.4', from: '127.0.0.14' },
      { prefix: '10.4.0.0/24', asPath: [65005], nextHop: '192.0.2.5', from: '127.0.0.14' },
    ]);
  });

  it("FRR's escaped shutdown text and logged NOTIFICATIONs", () => {
    expect(unescapeFrr('maintenance \\xe2\\x9c\\x93 done')).toBe('maintenance ✓ done');
    const log = [
      'BGP: [HZN6M] %NOTIFICATION: received from neighbor 127.0.0.1 2/2 (OPEN Message Error/Bad Peer AS) 2 bytes fd fc',
      'BGP: [HZN6M] %NOTIFICATION: sent to neighbor 127.0.0.9 6/5 (Cease/Connection Rejected) 0 bytes',
      'BGP: [H7QV4] %NOTIFICATION: received from neighbor 127.0.0.1 6/2 (Cease/Administrative Shutdown) "bye"',
    ].join('\n');
    expect(lastLoggedNotification(log, '127.0.0.1')).toEqual({
      direction: 'received',
      code: 6,
      subcode: 2,
    });
    expect(lastLoggedNotification(log, '127.0.0.9')).toEqual({
      direction: 'sent',
      code: 6,
      subcode: 5,
    });
    expect(lastLoggedNotification(log, '127.0.0.2')).toBeUndefined();
  });

  it('RFC 9003 shutdown communication from NOTIFICATION data', () => {
    expect(shutdownCommunication(6, 2, '0x03627965')).toBe('bye');
    expect(shutdownCommunication(6, 4, '05627965')).toBeUndefined(); // length overruns
    expect(shutdownCommunication(2, 2, '03627965')).toBeUndefined();
  });

  it("GoBGP's graceful restart capability (protobuf Any) yields the restart time", () => {
    // GracefulRestartCapability { flags = 1: 0x40?, time = 2: 120 }
    const value = Buffer.from([0x08, 0x00, 0x10, 0x78]).toString('base64');
    expect(
      gobgpGracefulRestartTime([
        { type_url: 'type.googleapis.com/apipb.GracefulRestartCapability', value },
      ]),
    ).toBe(120);
    expect(gobgpGracefulRestartTime([])).toBeUndefined();
  });

  it('refuses non-loopback addresses', () => {
    expect(() => assertLoopback('127.1.2.3', 'x')).not.toThrow();
    expect(() => assertLoopback('::1', 'x')).not.toThrow();
    expect(() => assertLoopback('10.0.0.1', 'x')).toThrow(/not a loopback/);
    expect(() => assertLoopback('127.0.0.1.evil', 'x')).toThrow();
  });
});
