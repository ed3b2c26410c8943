import { parsePrefix } from '@bgp/wire';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BpfMap,
  BpfMapType,
  BpfUpdateFlag,
  isBpfError,
  loadAddon,
  lpmKey,
  lpmLookupKey,
  perCpuValues,
} from '../src/index.js';
import {
  bpfSkip,
  bpftool,
  bpftoolDump,
  bpftoolLookup,
  hex,
  makePinDir,
  removePinDir,
} from './bpf-env.js';

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};

/** Expects `fn` to throw (or reject with) a BpfError with this errno name. */
async function expectBpfError(fn: () => unknown, code: string, op?: RegExp): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(isBpfError(err), `expected BpfError ${code}, got ${String(err)}`).toBe(true);
  const e = err as { code: string; errno: number; op: string; name: string };
  expect(e.name).toBe('BpfError');
  expect(e.code).toBe(code);
  expect(e.errno).toBeGreaterThan(0);
  if (op) expect(e.op).toMatch(op);
}

describe.skipIf(bpfSkip)(
  `addon against real maps${bpfSkip ? ` (skipped: ${bpfSkip})` : ''}`,
  () => {
    const open: BpfMap[] = [];
    const make = (...args: Parameters<typeof BpfMap.create>): BpfMap => {
      const m = BpfMap.create(...args);
      open.push(m);
      return m;
    };
    let pins: string;
    beforeAll(() => {
      pins = makePinDir();
    });
    afterAll(() => {
      for (const m of open) m.close();
      removePinDir(pins);
    });

    it('reports the libbpf it was built against', () => {
      expect(loadAddon().libbpfVersion()).toMatch(/^v?\d+\.\d+/);
      expect(loadAddon().numPossibleCpus()).toBeGreaterThan(0);
    });

    it('creates every map type with the info bpftool shows', () => {
      const cases = [
        {
          type: BpfMapType.LPM_TRIE,
          keySize: 8,
          valueSize: 24,
          maxEntries: 100,
          name: 'bgpt_lpm4',
          tool: 'lpm_trie',
          flags: 1,
        },
        {
          type: BpfMapType.LPM_TRIE,
          keySize: 20,
          valueSize: 24,
          maxEntries: 100,
          name: 'bgpt_lpm6',
          tool: 'lpm_trie',
          flags: 1,
        },
        {
          type: BpfMapType.HASH,
          keySize: 8,
          valueSize: 16,
          maxEntries: 10,
          name: 'bgpt_hash',
          tool: 'hash',
          flags: 0,
        },
        {
          type: BpfMapType.ARRAY,
          keySize: 4,
          valueSize: 8,
          maxEntries: 4,
          name: 'bgpt_array',
          tool: 'array',
          flags: 0,
        },
        {
          type: BpfMapType.PERCPU_ARRAY,
          keySize: 4,
          valueSize: 12,
          maxEntries: 4,
          name: 'bgpt_pcpu',
          tool: 'percpu_array',
          flags: 0,
        },
      ];
      for (const c of cases) {
        const m = make(c);
        expect(m.info).toMatchObject({
          type: c.type,
          keySize: c.keySize,
          valueSize: c.valueSize,
          maxEntries: c.maxEntries,
          name: c.name,
          flags: c.flags,
        });
        const shown = bpftool(['map', 'show', 'id', String(m.info.id)]) as Record<string, unknown>;
        expect(shown).toMatchObject({
          id: m.info.id,
          type: c.tool,
          name: c.name,
          bytes_key: c.keySize,
          bytes_value: c.valueSize,
          max_entries: c.maxEntries,
          flags: c.flags,
        });
      }
    });

    it('update, lookup and delete on a hash map, checked with bpftool', () => {
      const m = make({
        type: BpfMapType.HASH,
        keySize: 4,
        valueSize: 8,
        maxEntries: 8,
        name: 'bgpt_h1',
      });
      const v = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
      m.update(u32(7), v);
      expect(m.lookup(u32(7))).toEqual(v);
      expect(bpftoolLookup(m.info.id, u32(7))).toEqual(v);
      expect(m.lookup(u32(8))).toBeUndefined();
      expect(bpftoolLookup(m.info.id, u32(8))).toBeUndefined();
      expect(m.delete(u32(7))).toBe(true);
      expect(m.delete(u32(7))).toBe(false);
      expect(bpftoolLookup(m.info.id, u32(7))).toBeUndefined();
    });

    it('an LPM trie answers the longest match, IPv4 and IPv6, checked with bpftool', () => {
      const m4 = make({
        type: BpfMapType.LPM_TRIE,
        keySize: 8,
        valueSize: 4,
        maxEntries: 16,
        name: 'bgpt_l4',
      });
      m4.update(lpmKey(parsePrefix('10.0.0.0/8')), u32(8));
      m4.update(lpmKey(parsePrefix('10.1.0.0/16')), u32(16));
      expect(m4.lookup(lpmLookupKey(Uint8Array.of(10, 1, 2, 3)))).toEqual(u32(16));
      expect(m4.lookup(lpmLookupKey(Uint8Array.of(10, 2, 2, 3)))).toEqual(u32(8));
      expect(m4.lookup(lpmLookupKey(Uint8Array.of(11, 0, 0, 1)))).toBeUndefined();
      expect(bpftoolLookup(m4.info.id, lpmLookupKey(Uint8Array.of(10, 1, 9, 9)))).toEqual(u32(16));
      const dump = bpftoolDump(m4.info.id);
      expect([...dump.keys()].sort()).toEqual(
        [hex(lpmKey(parsePrefix('10.0.0.0/8'))), hex(lpmKey(parsePrefix('10.1.0.0/16')))].sort(),
      );
      const m6 = make({
        type: BpfMapType.LPM_TRIE,
        keySize: 20,
        valueSize: 4,
        maxEntries: 16,
        name: 'bgpt_l6',
      });
      m6.update(lpmKey(parsePrefix('2001:db8::/32')), u32(32));
      m6.update(lpmKey(parsePrefix('::/0')), u32(0));
      const probe = parsePrefix('2001:db8::1').address;
      expect(m6.lookup(lpmLookupKey(probe))).toEqual(u32(32));
      expect(m6.lookup(lpmLookupKey(parsePrefix('2001:db9::1').address))).toEqual(u32(0));
      expect(bpftoolLookup(m6.info.id, lpmLookupKey(probe))).toEqual(u32(32));
    });

    it('arrays and per-CPU arrays: stride, per-CPU slots, bpftool agrees', () => {
      const a = make({
        type: BpfMapType.ARRAY,
        keySize: 4,
        valueSize: 8,
        maxEntries: 4,
        name: 'bgpt_a',
      });
      a.update(u32(2), Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9));
      expect(bpftoolLookup(a.info.id, u32(2))).toEqual(Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9));
      expect(a.lookup(u32(0))).toEqual(new Uint8Array(8));
      const p = make({
        type: BpfMapType.PERCPU_ARRAY,
        keySize: 4,
        valueSize: 12,
        maxEntries: 2,
        name: 'bgpt_pa',
      });
      const cpus = loadAddon().numPossibleCpus();
      expect(p.perCpu).toBe(true);
      expect(p.valueStride).toBe(16 * cpus);
      const v = new Uint8Array(p.valueStride);
      for (let c = 0; c < cpus; c++) v.fill(c + 1, c * 16, c * 16 + 12);
      p.update(u32(1), v);
      const back = perCpuValues(p.lookup(u32(1))!, 12);
      expect(back).toHaveLength(cpus);
      back.forEach((slot, c) => {
        expect(slot).toEqual(new Uint8Array(12).fill(c + 1));
      });
      const tool = bpftoolDump(p.info.id).get(hex(u32(1)))!;
      expect(tool).toEqual(Uint8Array.from(back.flatMap((s) => [...s])));
    });

    it('pins, opens by path and unpins', async () => {
      const m = make({
        type: BpfMapType.HASH,
        keySize: 4,
        valueSize: 4,
        maxEntries: 4,
        name: 'bgpt_pin',
      });
      m.update(u32(1), u32(42));
      const path = `${pins}/pinned`;
      m.pin(path);
      const shown = bpftool(['map', 'show', 'pinned', path]) as { id: number };
      expect(shown.id).toBe(m.info.id);
      const again = BpfMap.openPinned(path);
      open.push(again);
      expect(again.info.id).toBe(m.info.id);
      expect(again.lookup(u32(1))).toEqual(u32(42));
      BpfMap.unpin(path);
      await expectBpfError(() => BpfMap.openPinned(path), 'ENOENT', /bpf_obj_get/);
      await expectBpfError(() => BpfMap.unpin(path), 'ENOENT', /unpin/);
      // The map itself lives on through our descriptors.
      expect(again.lookup(u32(1))).toEqual(u32(42));
    });

    it('iterates keys and entries like bpftool dump', async () => {
      const m = make({
        type: BpfMapType.LPM_TRIE,
        keySize: 8,
        valueSize: 4,
        maxEntries: 64,
        name: 'bgpt_it',
      });
      for (let i = 0; i < 40; i++) m.update(lpmKey(parsePrefix(`10.${i}.0.0/16`)), u32(i));
      const keys = await m.keys();
      const entries = await m.entries();
      expect(keys).toHaveLength(40);
      const tool = bpftoolDump(m.info.id);
      expect(new Set(keys.map(hex))).toEqual(new Set(tool.keys()));
      for (const [k, v] of entries) expect(tool.get(hex(k))).toEqual(v);
      const walked: string[] = [];
      for (let k = m.nextKey(); k; k = m.nextKey(k)) walked.push(hex(k));
      expect(new Set(walked)).toEqual(new Set(tool.keys()));
    });

    for (const perElement of [false, true]) {
      it(`batch update and delete (${perElement ? 'per-element fallback' : 'batch syscalls'}), checked with bpftool`, async () => {
        const maps = [
          make({
            type: BpfMapType.LPM_TRIE,
            keySize: 8,
            valueSize: 8,
            maxEntries: 5000,
            name: 'bgpt_bl',
          }),
          make({
            type: BpfMapType.HASH,
            keySize: 8,
            valueSize: 8,
            maxEntries: 5000,
            name: 'bgpt_bh',
          }),
        ];
        for (const m of maps) {
          const n = 3000;
          const keys = new Uint8Array(n * 8);
          const values = new Uint8Array(n * 8);
          for (let i = 0; i < n; i++) {
            keys.set(lpmKey(parsePrefix(`10.${i >> 8}.${i & 255}.0/24`)), i * 8);
            new DataView(values.buffer).setUint32(i * 8, i * 7, true);
          }
          const up = await m.updateBatch(keys, values, { perElement });
          expect(up).toEqual({ processed: n, batched: !perElement });
          let tool = bpftoolDump(m.info.id);
          expect(tool.size).toBe(n);
          for (let i = 0; i < n; i += 97) {
            expect(tool.get(hex(keys.subarray(i * 8, i * 8 + 8)))).toEqual(
              values.subarray(i * 8, i * 8 + 8),
            );
          }
          // Delete the first half plus 10 keys that are not there: absent keys are counted.
          const absent = new Uint8Array(10 * 8);
          for (let i = 0; i < 10; i++) absent.set(lpmKey(parsePrefix(`172.16.${i}.0/24`)), i * 8);
          const del = new Uint8Array((n / 2) * 8 + absent.length);
          del.set(keys.subarray(0, (n / 2) * 8));
          del.set(absent, (n / 2) * 8);
          const d = await m.deleteBatch(del, { perElement });
          expect(d).toMatchObject({ deleted: n / 2, missing: 10 });
          tool = bpftoolDump(m.info.id);
          expect(tool.size).toBe(n / 2);
          expect(tool.has(hex(keys.subarray(0, 8)))).toBe(false);
          expect(tool.has(hex(keys.subarray((n - 1) * 8)))).toBe(true);
        }
      });
    }

    it('a batch sorted on the worker thread keeps the last value of a repeated key', async () => {
      const m = make({
        type: BpfMapType.LPM_TRIE,
        keySize: 8,
        valueSize: 4,
        maxEntries: 16,
        name: 'bgpt_sort',
      });
      const prefixes = ['192.0.2.0/24', '10.0.0.0/8', '192.0.2.0/24', '10.0.0.0/16', '10.0.0.0/8'];
      const keys = new Uint8Array(prefixes.length * 8);
      const values = new Uint8Array(prefixes.length * 4);
      prefixes.forEach((p, i) => {
        keys.set(lpmKey(parsePrefix(p)), i * 8);
        values.set(u32(i + 1), i * 4);
      });
      expect(await m.updateBatch(keys, values, { sortFrom: 4 })).toEqual({
        processed: 5,
        batched: true,
      });
      const tool = bpftoolDump(m.info.id);
      expect(tool.size).toBe(3);
      expect(tool.get(hex(lpmKey(parsePrefix('192.0.2.0/24'))))).toEqual(u32(3));
      expect(tool.get(hex(lpmKey(parsePrefix('10.0.0.0/8'))))).toEqual(u32(5));
      expect(tool.get(hex(lpmKey(parsePrefix('10.0.0.0/16'))))).toEqual(u32(4));
    });

    it('a long batch runs off the event loop', async () => {
      const m = make({
        type: BpfMapType.LPM_TRIE,
        keySize: 8,
        valueSize: 8,
        maxEntries: 300_000,
        name: 'bgpt_async',
      });
      const n = 300_000;
      const keys = new Uint8Array(n * 8);
      const dv = new DataView(keys.buffer);
      for (let i = 0; i < n; i++) {
        dv.setUint32(i * 8, 32, true);
        dv.setUint32(i * 8 + 4, 0x0a000000 + i);
      }
      let ticks = 0;
      let done = false;
      const tick = (): void => {
        ticks++;
        if (!done) setImmediate(tick);
      };
      const p = m.updateBatch(keys, new Uint8Array(n * 8));
      setImmediate(tick);
      await p;
      done = true;
      // Had the batch run on this thread, the promise would settle before any turn of the loop.
      expect(ticks).toBeGreaterThan(0);
      expect((await m.dump(false)).count).toBe(n);
    });

    it('error cases give typed errors with errno name, number and operation', async () => {
      const h = make({
        type: BpfMapType.HASH,
        keySize: 4,
        valueSize: 4,
        maxEntries: 2,
        name: 'bgpt_err',
      });
      // Wrong sizes are refused before the kernel reads past a short buffer.
      await expectBpfError(() => h.update(new Uint8Array(3), u32(1)), 'EINVAL', /update/);
      await expectBpfError(() => h.update(u32(1), new Uint8Array(5)), 'EINVAL', /update/);
      await expectBpfError(() => h.lookup(new Uint8Array(8)), 'EINVAL', /lookup/);
      await expectBpfError(
        () => h.updateBatch(new Uint8Array(6), new Uint8Array(8)),
        'EINVAL',
        /batch/,
      );
      // A full hash map: E2BIG from the kernel.
      h.update(u32(1), u32(1));
      h.update(u32(2), u32(2));
      await expectBpfError(() => h.update(u32(3), u32(3)), 'E2BIG', /bpf_map_update_elem/);
      const batchKeys = new Uint8Array([...u32(4), ...u32(5)]);
      await expectBpfError(() => h.updateBatch(batchKeys, new Uint8Array(8)), 'E2BIG', /update/);
      // NOEXIST on a present key, EXIST on an absent one.
      await expectBpfError(() => h.update(u32(1), u32(9), BpfUpdateFlag.NOEXIST), 'EEXIST');
      h.delete(u32(2));
      await expectBpfError(() => h.update(u32(2), u32(9), BpfUpdateFlag.EXIST), 'ENOENT');
      // A full LPM trie answers ENOSPC.
      const l = make({
        type: BpfMapType.LPM_TRIE,
        keySize: 8,
        valueSize: 4,
        maxEntries: 1,
        name: 'bgpt_full',
      });
      l.update(lpmKey(parsePrefix('10.0.0.0/8')), u32(1));
      await expectBpfError(() => l.update(lpmKey(parsePrefix('11.0.0.0/8')), u32(1)), 'ENOSPC');
      // Arrays refuse indexes past the end.
      const a = make({
        type: BpfMapType.ARRAY,
        keySize: 4,
        valueSize: 4,
        maxEntries: 2,
        name: 'bgpt_arr',
      });
      await expectBpfError(() => a.update(u32(5), u32(1)), 'E2BIG');
      // Impossible map: LPM key too short for a prefix length.
      await expectBpfError(
        () => BpfMap.create({ type: BpfMapType.LPM_TRIE, keySize: 2, valueSize: 4, maxEntries: 1 }),
        'EINVAL',
        /bpf_map_create/,
      );
      await expectBpfError(
        () => BpfMap.openPinned('/sys/fs/bpf/bgpt-never-pinned'),
        'ENOENT',
        /bpf_obj_get/,
      );
      // A pin path outside bpffs: the kernel answers EPERM, and the message says why.
      await expectBpfError(() => h.pin('/tmp/bgpt-not-bpffs'), 'EPERM', /bpf_obj_pin/);
      expect(() => h.pin('/tmp/bgpt-not-bpffs')).toThrow(/bpffs/);
      const closed = BpfMap.create({
        type: BpfMapType.HASH,
        keySize: 4,
        valueSize: 4,
        maxEntries: 1,
      });
      closed.close();
      await expectBpfError(() => closed.lookup(u32(1)), 'EBADF');
    });
  },
);

describe('loading without the addon', () => {
  it('importing never throws; using the addon says what is missing', async () => {
    vi.resetModules();
    const saved = process.env.BGP_EBPF_ADDON;
    process.env.BGP_EBPF_ADDON = '/nonexistent/bgp_ebpf.node';
    try {
      const mod = await import('../src/index.js');
      expect(mod.addonStatus().available).toBe(false);
      expect(mod.lpmKey(parsePrefix('10.0.0.0/8')).length).toBe(8);
      let err: unknown;
      try {
        mod.BpfMap.create({ type: 1, keySize: 4, valueSize: 4, maxEntries: 1 });
      } catch (e) {
        err = e;
      }
      expect((err as Error).name).toBe('AddonUnavailableError');
      expect((err as Error).message).toMatch(/not built .*libbpf-dev/);
      expect((err as { code: string }).code).toBe('ERR_BGP_EBPF_ADDON_UNAVAILABLE');
    } finally {
      if (saved === undefined) delete process.env.BGP_EBPF_ADDON;
      else process.env.BGP_EBPF_ADDON = saved;
      vi.resetModules();
    }
  });
});
