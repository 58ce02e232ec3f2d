/**
 * Waveforms of audio cells: fetched from GET /api/waveform (little-endian Float32 min/max pairs per
 * bucket and channel, the audio's numbers in headers; src/node/server/routes/waveform.ts), kept in a
 * small cache so rows scrolling back into view draw at once, and drawn on a canvas.
 */
import type { Waveform } from '../../../src/core/app/media-replies.js';
import { request } from '../api';
import { pixelEnvelope } from './audio-envelope';

export type { Waveform };

const CACHED = 256;
const cache = new Map<string, Promise<Waveform>>();

/** The waveform of frame row `row` of audio column `column` in `buckets` buckets (cached). */
export function fetchWaveform(column: string, row: number, buckets: number): Promise<Waveform> {
  const url = `api/waveform/${encodeURIComponent(column)}/${row}?buckets=${buckets}`;
  let hit = cache.get(url);
  if (hit !== undefined) {
    cache.delete(url); // most recent last
    cache.set(url, hit);
    return hit;
  }
  hit = load(url);
  // A failure is not kept: the next view of the cell asks again.
  hit.catch(() => cache.delete(url));
  cache.set(url, hit);
  if (cache.size > CACHED) cache.delete(cache.keys().next().value as string);
  return hit;
}

async function load(url: string): Promise<Waveform> {
  const response = await request(url);
  const number = (name: string) => Number(response.headers.get(name));
  const bytes = await response.arrayBuffer();
  const view = new DataView(bytes);
  const peaks = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < peaks.length; i++) peaks[i] = view.getFloat32(i * 4, true);
  return {
    sampleRate: number('x-audio-sample-rate'),
    channels: number('x-audio-channels'),
    frames: number('x-audio-frames'),
    duration: number('x-audio-duration'),
    buckets: number('x-waveform-buckets'),
    peaks,
  };
}

export interface WaveformStyle {
  /** CSS pixels. */
  width: number;
  height: number;
  /** Fraction played, 0–1: drawn in `played` colour up to there. */
  progress?: number;
  /** `union`: one lane, the envelope of all channels (small cells); `channels`: a lane each. */
  lanes?: 'union' | 'channels';
  /** Draw a line at `progress` (the detail view's playhead). */
  playhead?: boolean;
}

const WAVE = '#9aa5b1';
const PLAYED = '#2f6fde';

/** Draw `waveform` on `canvas` at the device's pixel density, one vertical bar per pixel column. */
export function drawWaveform(canvas: HTMLCanvasElement, waveform: Waveform, style: WaveformStyle): void {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(style.width * ratio));
  const h = Math.max(1, Math.round(style.height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const g = canvas.getContext('2d');
  if (g === null) return;
  g.clearRect(0, 0, w, h);
  const { buckets, channels, peaks } = waveform;
  const lanes = style.lanes === 'channels' ? channels : 1;
  const laneHeight = h / lanes;
  const playedTo = Math.round((style.progress ?? 0) * w);
  for (let lane = 0; lane < lanes; lane++) {
    const mid = laneHeight * lane + laneHeight / 2;
    const half = laneHeight / 2 - ratio;
    const first = style.lanes === 'channels' ? lane : 0;
    const last = style.lanes === 'channels' ? lane : channels - 1;
    const envelope = pixelEnvelope(peaks, buckets, w, first, last);
    for (let x = 0; x < w && buckets > 0; x++) {
      const top = mid - Math.min(1, envelope[2 * x + 1]) * half;
      const bottom = mid - Math.max(-1, envelope[2 * x]) * half;
      g.fillStyle = x < playedTo ? PLAYED : WAVE;
      g.fillRect(x, Math.floor(top), 1, Math.max(ratio, Math.ceil(bottom - top)));
    }
  }
  // Channel lanes apart by a hairline.
  g.fillStyle = '#dde1e6';
  for (let lane = 1; lane < lanes; lane++)
    g.fillRect(0, Math.round(lane * laneHeight), w, Math.max(1, Math.round(ratio)));
  if (style.playhead && style.progress !== undefined) {
    g.fillStyle = '#d43c3c';
    g.fillRect(Math.min(w - ratio, playedTo), 0, Math.max(1, Math.round(ratio)), h);
  }
}
