/**
 * What the e2e tests of the embedding map share: waiting for the plot to be drawn, drawing a lasso
 * with the mouse, and the ray-casting test written plainly (the reference a lasso's rows are checked
 * against).
 */
import type { Page } from 'playwright-core';

/** The ray-casting test, written plainly. */
export function naiveInside(x: number, y: number, poly: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}

/** Wait until the plot is drawn, then one more frame, so the draw reached the screen. */
export async function waitDrawn(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('[data-testid="map-canvas"][data-drawn="true"]', { timeout });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** A loop around the left part of the plot, drawn with the mouse in lasso mode. */
export async function drawLasso(page: Page): Promise<void> {
  await page.click('[data-testid="map-lasso"]');
  const box = (await page.$eval('[data-testid="map-canvas"]', (c) => {
    const r = c.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  })) as { x: number; y: number; width: number; height: number };
  const cx = box.x + box.width * 0.35;
  const cy = box.y + box.height * 0.5;
  const rx = box.width * 0.25;
  const ry = box.height * 0.45;
  await page.mouse.move(cx + rx, cy);
  await page.mouse.down();
  for (let k = 1; k <= 48; k++) {
    const a = (2 * Math.PI * k) / 48;
    await page.mouse.move(cx + rx * Math.cos(a), cy + ry * Math.sin(a), { steps: 2 });
  }
  await page.mouse.up();
  await page.waitForFunction(() => window.location.hash.includes('poly='));
  await page.waitForFunction(() =>
    /\d/.test(document.querySelector('[data-testid="map-selected"]')?.textContent ?? ''),
  );
}
