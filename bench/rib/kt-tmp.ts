import { KeyTable } from '../../packages/rib/src/key-table.js';
const t = new KeyTable(2, 16);
let t0 = performance.now();
for (let j = 0; j < 1_000_000; j++) { t.scratch[0] = (0x01000000 + j * 256) >>> 0; t.scratch[1] = 24; const s = t.insertSlot(); t.values[s] = j; }
console.log('insert ms', performance.now() - t0, t.capacity);
// probe lengths
let total = 0, max = 0;
t0 = performance.now();
for (let j = 0; j < 1_000_000; j++) { t.scratch[0] = (0x01000000 + j * 256) >>> 0; t.scratch[1] = 24; if (t.find() < 0) throw 1; }
console.log('find ms', performance.now() - t0);
// cluster stats
let runs = 0, longest = 0, cur = 0;
for (let s = 0; s < t.capacity; s++) { if (t.values[s] !== -1) { cur++; } else { if (cur) { runs++; longest = Math.max(longest, cur); } cur = 0; } }
console.log('runs', runs, 'longest', longest, 'size', t.size);
const homes = new Map<number, number>();
