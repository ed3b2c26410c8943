/**
 * Shared pieces of the eBPF benchmarks: route tables, medians, and the skip check.
 */
import type { DatapathRoute } from '@bgp/rib';
import { makePrefix } from '@bgp/wire';
import { addonStatus, BpfMap, BpfMapType, ensureBpffs } from '../../packages/ebpf/src/index.js';

/** Exits with a message when BPF cannot run here. */
export function requireBpf(): void {
  const s = addonStatus();
  if (!s.available) {
    console.error(`skipped: ${s.reason}`);
    process.exit(0);
  }
  ensureBpffs();
  BpfMap.create({ type: BpfMapType.LPM_TRIE, keySize: 8, valueSize: 4, maxEntries: 1 }).close();
}

/** `n` distinct IPv4 routes: /24s over 1.0.0.0 to ~ 100.0.0.0 and then /32s, like a full table. */
export function ipv4Table(n: number): DatapathRoute[] {
  const out: DatapathRoute[] = new Array(n);
  const nh = [
    Uint8Array.of(192, 0, 2, 1),
    Uint8Array.of(192, 0, 2, 2),
    Uint8Array.of(192, 0, 2, 3),
  ];
  for (let i = 0; i < n; i++) {
    // Spread over the space with a multiplicative step so the trie is not one long run.
    const x = (Math.imul(i, 2654435761) >>> 8) & 0xffffff;
    const len = i % 8 === 7 ? 20 : 24;
    const prefix = makePrefix(
      Uint8Array.of(1 + ((x >>> 16) % 223), (x >>> 8) & 255, x & 255, 0),
      len,
    );
    out[i] = { prefix, nextHops: [nh[i % 3]!], routeId: i, communities: [] };
  }
  return out;
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Percentile (0..100) of numbers. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
