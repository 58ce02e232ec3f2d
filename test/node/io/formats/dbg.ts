import { parseArrow } from '../../../../src/index.js';
import { arrowSamples, damaged, damageRegions } from './arrow-fuzz-cases.js';
import * as arrow from 'apache-arrow';
const s = new Map(arrowSamples().map((x) => [x.name, x.bytes]));
const cases: [string, object][] = [['tessera.arrows', { at: 80, byte: 58 }], ['tessera.arrows', { at: 525, bit: 0 }], ['tessera.arrows', { at: 840, bit: 0 }], ['tessera.arrows', { at: 387, byte: 201 }], ['tessera.arrow', { at: 1675, bit: 2 }], ['tessera.arrow', { at: 240, bit: 3 }], ['dictionary.arrows', { at: 116, bit: 4 }], ['dictionary.arrows', { at: 159, bit: 0 }], ['dictionary.arrow', { at: 360, bit: 3 }],['dictionary.arrow', { at: 29, byte: 144 }]];
const show = (b: Uint8Array) => { const t = arrow.tableFromIPC(b); return t.schema.fields.map((f) => `${f.name}:${f.type}${f.nullable ? '?' : ''}${f.metadata.size ? JSON.stringify([...f.metadata]) : ''}`).join(' ') + ' | ' + JSON.stringify([...t.schema.metadata]).slice(0, 80); };
for (const [name, d] of cases) {
  const b = s.get(name)!; const x = damaged(b, d as never);
  console.log(name, JSON.stringify(d));
  console.log('  was', show(b));
  try { console.log('  now', show(x)); const a = parseArrow(b), c = parseArrow(x); for (const n of a.columnNames) if (JSON.stringify(a.column(n).toArray(), (k, v) => typeof v === 'bigint' ? String(v) : v) !== JSON.stringify(c.columnNames.includes(n) ? c.column(n).toArray() : null, (k, v) => typeof v === 'bigint' ? String(v) : v)) console.log('  diff col', n, JSON.stringify(c.columnNames.includes(n) ? Array.from(c.column(n).toArray() as never).slice(0, 4) : 'missing', (k, v) => typeof v === 'bigint' ? String(v) : v), a.column(n).type, c.columnNames.includes(n) && c.column(n).type); } catch (e) { console.log('  err', (e as Error).message); }
}
