/**
 * Test support: fast-check arbitraries for capabilities, OPEN, NOTIFICATION and ROUTE-REFRESH
 * messages, built so that every generated value is in its canonical decoded form (optional
 * reserved fields absent unless non-zero), which is what a round trip must reproduce.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type BgpError,
  type Capability,
  CapabilityCode,
  ENHANCED_ROUTE_REFRESH_CAPABILITY,
  EXTENDED_MESSAGE_CAPABILITY,
  isBgpError,
  KNOWN_CAPABILITY_CODES,
  type NotificationMessage,
  type OpenMessage,
  type OptionalParameterLayout,
  ROUTE_REFRESH_CAPABILITY,
  ROUTE_REFRESH_OLD_CAPABILITY,
  type RouteRefreshMessage,
} from '../src/index.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** An optional non-zero reserved field of `max`. */
const reserved = (max: number) => fc.option(fc.integer({ min: 1, max }), { nil: undefined });
/** Adds `key: value` only when value is defined, like the decoders do. */
function withOptional<T extends object, K extends string>(
  base: T,
  key: K,
  value: number | undefined,
): T {
  return value === undefined ? base : { ...base, [key]: value };
}
const text = fc
  .string({ unit: 'grapheme', maxLength: 30 })
  .filter((s) => new TextEncoder().encode(s).length <= 255);

/** One arbitrary per capability kind, by name. */
export const capabilityArbitraries: Record<string, fc.Arbitrary<Capability>> = {
  MULTIPROTOCOL: fc
    .tuple(u16, u8, reserved(255))
    .map(([afi, safi, r]) =>
      withOptional(
        { code: CapabilityCode.MULTIPROTOCOL, name: 'MULTIPROTOCOL' as const, afi, safi },
        'reserved',
        r,
      ),
    ),
  ROUTE_REFRESH: fc.constant(ROUTE_REFRESH_CAPABILITY),
  ROUTE_REFRESH_OLD: fc.constant(ROUTE_REFRESH_OLD_CAPABILITY),
  EXTENDED_MESSAGE: fc.constant(EXTENDED_MESSAGE_CAPABILITY),
  ENHANCED_ROUTE_REFRESH: fc.constant(ENHANCED_ROUTE_REFRESH_CAPABILITY),
  EXTENDED_NEXT_HOP: fc
    .array(fc.record({ afi: u16, safi: u16, nextHopAfi: u16 }, { noNullPrototype: true }), {
      maxLength: 10,
    })
    .map((entries) => ({
      code: CapabilityCode.EXTENDED_NEXT_HOP,
      name: 'EXTENDED_NEXT_HOP' as const,
      entries,
    })),
  BGP_ROLE: u8.map((role) => ({ code: CapabilityCode.BGP_ROLE, name: 'BGP_ROLE' as const, role })),
  GRACEFUL_RESTART: fc
    .tuple(
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 4095 }),
      fc.array(
        fc
          .tuple(u16, u8, fc.boolean(), reserved(127))
          .map(([afi, safi, forwardingState, r]) =>
            withOptional({ afi, safi, forwardingState }, 'reservedFlags', r),
          ),
        { maxLength: 10 },
      ),
      reserved(3),
    )
    .map(([restartState, notification, restartTime, families, r]) =>
      withOptional(
        {
          code: CapabilityCode.GRACEFUL_RESTART,
          name: 'GRACEFUL_RESTART' as const,
          restartState,
          notification,
          restartTime,
          families,
        },
        'reservedFlags',
        r,
      ),
    ),
  FOUR_OCTET_AS: u32.map((asn) => ({
    code: CapabilityCode.FOUR_OCTET_AS,
    name: 'FOUR_OCTET_AS' as const,
    asn,
  })),
  ADD_PATH: fc
    .array(fc.record({ afi: u16, safi: u8, mode: u8 }, { noNullPrototype: true }), {
      maxLength: 10,
    })
    .map((families) => ({ code: CapabilityCode.ADD_PATH, name: 'ADD_PATH' as const, families })),
  LONG_LIVED_GRACEFUL_RESTART: fc
    .array(
      fc
        .tuple(u16, u8, fc.boolean(), fc.integer({ min: 0, max: 0xffffff }), reserved(127))
        .map(([afi, safi, forwardingState, staleTime, r]) =>
          withOptional({ afi, safi, forwardingState, staleTime }, 'reservedFlags', r),
        ),
      { maxLength: 10 },
    )
    .map((families) => ({
      code: CapabilityCode.LONG_LIVED_GRACEFUL_RESTART,
      name: 'LONG_LIVED_GRACEFUL_RESTART' as const,
      families,
    })),
  FQDN: fc.tuple(text, text).map(([hostname, domainName]) => ({
    code: CapabilityCode.FQDN,
    name: 'FQDN' as const,
    hostname,
    domainName,
  })),
  UNKNOWN: fc
    .tuple(
      u8.filter((c) => !KNOWN_CAPABILITY_CODES.includes(c)),
      fc.uint8Array({ maxLength: 40 }),
    )
    .map(([code, value]) => ({ code, name: 'UNKNOWN' as const, value })),
};

/** Any capability. */
export const capabilityArb: fc.Arbitrary<Capability> = fc.oneof(
  ...Object.values(capabilityArbitraries),
);

/** An OPEN without an explicit layout (the default parameter layout). */
export const plainOpenArb: fc.Arbitrary<OpenMessage> = fc
  .record({
    myAutonomousSystem: u16,
    holdTime: u16,
    bgpIdentifier: u32,
    capabilities: fc.array(capabilityArb, { maxLength: 12 }),
  })
  .map((o) => ({ type: 'OPEN' as const, version: 4, ...o }));

/**
 * An OPEN with an explicit layout: capabilities split into groups, raw parameters interleaved,
 * classic or RFC 9072 form. Some generated layouts equal the default or do not fit the classic
 * form; the property handles those.
 */
export const laidOutOpenArb: fc.Arbitrary<OpenMessage> = fc
  .tuple(
    plainOpenArb,
    fc.boolean(),
    fc.array(fc.nat(12), { maxLength: 5 }),
    fc.array(
      fc.record({
        at: fc.nat(5),
        type: u8.filter((t) => t !== 2 && t !== 255),
        value: fc.uint8Array({ maxLength: 20 }),
      }),
      { maxLength: 3 },
    ),
  )
  .map(([open, extended, cuts, raws]) => {
    const n = open.capabilities.length;
    const points = [...new Set(cuts.map((c) => Math.min(c, n)))].sort((a, b) => a - b);
    const bounds = [0, ...points, n];
    const parameters: OptionalParameterLayout[] = [];
    for (let i = 1; i < bounds.length; i++) {
      parameters.push({ kind: 'capabilities', count: bounds[i]! - bounds[i - 1]! });
    }
    for (const r of raws) {
      parameters.splice(Math.min(r.at, parameters.length), 0, {
        kind: 'raw',
        type: r.type,
        value: r.value,
      });
    }
    return { ...open, layout: { extended, parameters } };
  });

/** Any NOTIFICATION. */
export const notificationArb: fc.Arbitrary<NotificationMessage> = fc
  .record({ code: u8, subcode: u8, data: fc.uint8Array({ maxLength: 64 }) })
  .map((n) => ({ type: 'NOTIFICATION' as const, ...n }));

/** Any ROUTE-REFRESH that decodes without error (BoRR/EoRR carry no ORF part). */
export const routeRefreshArb: fc.Arbitrary<RouteRefreshMessage> = fc
  .tuple(u16, u8, u8, fc.uint8Array({ maxLength: 40 }))
  .map(([afi, subtype, safi, entries]) =>
    subtype === 1 || subtype === 2 || entries.length === 0
      ? { type: 'ROUTE-REFRESH' as const, afi, safi, subtype }
      : { type: 'ROUTE-REFRESH' as const, afi, safi, subtype, entries },
  );

/** Hex text to bytes (spaces allowed). */
export function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** Bytes to hex text. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The 16-octet marker, as hex. */
export const MARKER = 'ff'.repeat(16);

/** Runs `f`, asserts it throws a typed BgpError (by shape, as callers test errors) and returns it. */
export function thrown(f: () => unknown): BgpError {
  try {
    f();
  } catch (err) {
    expect(isBgpError(err)).toBe(true);
    return err as BgpError;
  }
  throw new Error('expected a BgpError');
}
