/**
 * Values that {@link LpmRouteWriter} stores for a route, and the default layout.
 *
 * The default value is a header and a fixed number of next-hop slots. Without multipath there is
 * one slot (24 bytes); with multipath, `maxPaths` slots hold the ECMP set, sorted so that the same
 * set always encodes to the same bytes (reconcile compares bytes):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     route id (u32, host order)                |
 * +---------------+---------------+-------------------------------+
 * | next hop count|  reserved (0) |          reserved (0)         |
 * +---------------+---------------+-------------------------------+
 * |     next hop 1 (16 bytes; IPv4 as IPv4-mapped ::ffff:a.b.c.d)  |
 * +---------------------------------------------------------------+
 * |     next hop 2 .. maxPaths (multipath only; zero when unused)  |
 * +---------------------------------------------------------------+
 * ```
 *
 * IPv4 next hops are stored IPv4-mapped (RFC 4291 §2.5.5.2) so that a slot says its own family,
 * which matters for IPv6 routes over IPv4 next hops and the reverse (RFC 8950).
 *
 * @module
 */
import type { DatapathRoute } from '@bgp/rib';
import { HOST_LITTLE_ENDIAN } from './lpm-key.js';

/** Turns a route into the fixed-size value a map stores. */
export interface RouteValueEncoder {
  /** Bytes of every value (the map's value size). */
  readonly valueSize: number;
  /** Writes the value of `route` into `out` at `offset` (exactly `valueSize` bytes). */
  encodeInto(route: DatapathRoute, out: Uint8Array, offset: number): void;
}

/** Size of the default value header. */
export const ROUTE_VALUE_HEADER = 8;
/** Size of one next-hop slot. */
export const NEXT_HOP_SLOT = 16;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Writes a u32 in host order (bytewise: cheaper than a DataView per value). */
export function writeU32(out: Uint8Array, offset: number, value: number): void {
  const v = value >>> 0;
  if (HOST_LITTLE_ENDIAN) {
    out[offset] = v & 0xff;
    out[offset + 1] = (v >>> 8) & 0xff;
    out[offset + 2] = (v >>> 16) & 0xff;
    out[offset + 3] = v >>> 24;
  } else {
    out[offset] = v >>> 24;
    out[offset + 1] = (v >>> 16) & 0xff;
    out[offset + 2] = (v >>> 8) & 0xff;
    out[offset + 3] = v & 0xff;
  }
}

function writeSlot(nextHop: Uint8Array, out: Uint8Array, offset: number): void {
  if (nextHop.length === 16) {
    out.set(nextHop, offset);
    return;
  }
  out[offset + 10] = 0xff;
  out[offset + 11] = 0xff;
  out[offset + 12] = nextHop[0]!;
  out[offset + 13] = nextHop[1]!;
  out[offset + 14] = nextHop[2]!;
  out[offset + 15] = nextHop[3]!;
}

function toSlot(nextHop: Uint8Array): Uint8Array {
  if (nextHop.length === 16) return nextHop;
  const s = new Uint8Array(16);
  s[10] = 0xff;
  s[11] = 0xff;
  s.set(nextHop.subarray(0, 4), 12);
  return s;
}

/**
 * The default encoder: route id, next-hop count and `maxPaths` next-hop slots (1 without
 * multipath).
 *
 * @param options - `maxPaths`: slots for an ECMP set (default 1)
 */
export function nextHopEncoder(options: { maxPaths?: number } = {}): RouteValueEncoder {
  const maxPaths = options.maxPaths ?? 1;
  if (!Number.isInteger(maxPaths) || maxPaths < 1 || maxPaths > 64) {
    throw new RangeError(`maxPaths ${maxPaths} not in 1..64`);
  }
  const valueSize = ROUTE_VALUE_HEADER + NEXT_HOP_SLOT * maxPaths;
  return {
    valueSize,
    encodeInto(route, out, offset) {
      // Loops and bytewise writes, not fill() and a DataView: per call those cost about a
      // microsecond, which dominated encoding a million values.
      for (let i = offset + 4; i < offset + valueSize; i++) out[i] = 0;
      writeU32(out, offset, route.routeId);
      const first = route.nextHops[0];
      if (route.nextHops.length === 1 && first) {
        out[offset + 4] = 1;
        writeSlot(first, out, offset + ROUTE_VALUE_HEADER);
        return;
      }
      const hops = route.nextHops.map(toSlot);
      hops.sort(compareBytes);
      const n = Math.min(hops.length, maxPaths);
      out[offset + 4] = n;
      for (let i = 0; i < n; i++) {
        out.set(hops[i]!, offset + ROUTE_VALUE_HEADER + i * NEXT_HOP_SLOT);
      }
    },
  };
}

/** A value decoded from the default layout. */
export interface DecodedRouteValue {
  /** The route id. */
  readonly routeId: number;
  /** Next hops, 4 bytes for IPv4-mapped slots, else 16. */
  readonly nextHops: Uint8Array[];
}

/** Decodes a value written by {@link nextHopEncoder} (for tools and tests). */
export function decodeRouteValue(value: Uint8Array): DecodedRouteValue {
  const routeId = new DataView(value.buffer, value.byteOffset, 4).getUint32(0, HOST_LITTLE_ENDIAN);
  const n = value[4] ?? 0;
  const nextHops: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const s = value.slice(ROUTE_VALUE_HEADER + i * 16, ROUTE_VALUE_HEADER + (i + 1) * 16);
    const mapped = s.subarray(0, 10).every((b) => b === 0) && s[10] === 0xff && s[11] === 0xff;
    nextHops.push(mapped ? s.slice(12) : s);
  }
  return { routeId, nextHops };
}
