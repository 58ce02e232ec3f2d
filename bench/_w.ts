import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { DataFrame } from '../src/index.js';
const x: number = 3;
if (isMainThread) {
  const w = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  w.on('message', (m) => console.log('got', m));
  w.on('error', (e) => console.log('err', e.message, (e as any).code));
  w.on('exit', (c) => console.log('exit', c));
  w.postMessage('go');
} else {
  parentPort!.on('message', (m) => {
    if (m === 'oom') { const a: number[][] = []; for (;;) a.push(new Array(1e6).fill(1.5)); }
    parentPort!.postMessage(`hello ${x} ${new DataFrame({ a: [1, 2] }).length}`);
    const a: unknown[] = []; for (;;) a.push({ v: Math.random() });
  });
}
