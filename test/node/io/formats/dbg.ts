import * as arrow from 'apache-arrow';
import { arrowSamples } from './arrow-fuzz-cases.js';
const lines = (await import('node:fs')).readFileSync('/tmp/x/after.txt', 'utf8').split('\n').filter((l) => l.startsWith('silent-other readArrow '));
const samples = new Map(arrowSamples().map((s) => [s.name, s.bytes]));
function regions(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isFile = bytes[0] === 0x41;
  let pos = isFile ? 8 : 0; const out: [number, number, string][] = [];
  while (pos + 8 <= bytes.length) {
    let len = view.getInt32(pos, true); let h = pos + 4;
    if (len === -1) { len = view.getInt32(pos + 4, true); h = pos + 8; }
    if (len <= 0) break;
    const m = arrow.Message.decode(bytes.subarray(h, h + len));
    out.push([pos, h, 'prefix'], [h, h + len, `header:${arrow.MessageHeader[m.headerType]}`], [h + len, h + len + Number(m.bodyLength), 'body']);
    pos = h + len + Number(m.bodyLength);
  }
  if (isFile) out.push([pos, bytes.length, 'footer/eos']);
  return out;
}
const counts = new Map<string, number>();
for (const l of lines) {
  const [, , name, dmg] = l.split(' ');
  const d = JSON.parse(dmg); const b = samples.get(name)!;
  const r = regions(b).find(([a, e]) => d.at >= a && d.at < e);
  const k = `${name} ${r?.[2]}`; counts.set(k, (counts.get(k) ?? 0) + 1);
  if (r?.[2].startsWith('header:S') || r?.[2] === 'footer/eos') {
    const s = JSON.stringify(Array.from(b.subarray(Math.max(0, d.at - 6), d.at + 6), (x) => x >= 32 && x < 127 ? String.fromCharCode(x) : '.').join(''));
    if (Math.random() < 0.3) console.log(name, d.at, r?.[2], s);
  }
}
console.log(counts);
