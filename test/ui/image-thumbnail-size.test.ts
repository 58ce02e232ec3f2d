// The in-tab thumbnail's size (ui/src/local/image-thumbnail.ts) against sharp's, with the options the
// server's thumbnails use (fit inside size × size, never enlarged), over many shapes and halves.
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { thumbnailSize } from '../../ui/src/local/image-thumbnail.js';

it('sizes thumbnails as the server (sharp) does', async () => {
  const cases: [number, number, number][] = [
    [200, 3, 100], // 1.5 rows
    [200, 5, 80], // 2 rows exactly
    [400, 7, 200], // 3.5 rows
    [3, 600, 200],
    [90, 60, 160], // smaller: kept
    [1000, 1, 16],
  ];
  for (let k = 0; k < 60; k++)
    cases.push([1 + ((k * 7919) % 900), 1 + ((k * 104729) % 700), [16, 96, 128, 160, 320, 1024][k % 6]]);
  for (const [width, height, size] of cases) {
    const png = await sharp({ create: { width, height, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const made = await sharp(png)
      .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true })
      .jpeg()
      .toBuffer();
    const { width: w, height: h } = await sharp(made).metadata();
    expect([width, height, size, thumbnailSize(width, height, size)]).toEqual([
      width,
      height,
      size,
      { width: w, height: h },
    ]);
  }
});
