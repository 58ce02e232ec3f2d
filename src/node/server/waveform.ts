/**
 * Waveforms of audio cells for the app: the decoded samples reduced to `buckets` (min, max) pairs
 * per channel, and a small cache of them (bounded by bytes, least recently used dropped first) so a
 * table scrolling back and forth does not decode the same files again.
 *
 * Channels stay apart (no mono mix): a mix can cancel out-of-phase channels and hide a silent one,
 * and the client can still draw the union of the channels' envelopes in a small cell.
 */
import type { Waveform } from '../../core/app/media-replies.js';
import type { AudioValue } from '../media/audio.js';

/**
 * Reduce `audio` to min/max pairs over `wanted` equal spans of its samples; more buckets than
 * samples give one bucket per sample, so no bucket is empty.
 */
export function audioPeaks(audio: AudioValue, wanted: number): Waveform {
  const { sampleRate, channels, frames, duration } = audio;
  const buckets = Math.min(wanted, frames);
  const peaks = new Float32Array(channels * buckets * 2);
  for (let c = 0; c < channels; c++) {
    const samples = audio.channelData[c];
    for (let b = 0; b < buckets; b++) {
      const start = Math.floor((b * frames) / buckets);
      const end = Math.floor(((b + 1) * frames) / buckets);
      let lo = samples[start];
      let hi = lo;
      for (let t = start + 1; t < end; t++) {
        const x = samples[t];
        if (x < lo) lo = x;
        else if (x > hi) hi = x;
      }
      peaks[2 * (c * buckets + b)] = lo;
      peaks[2 * (c * buckets + b) + 1] = hi;
    }
  }
  return { sampleRate, channels, frames, duration, buckets, peaks };
}

/** Waveforms by key, at most `maxBytes` of peaks in all; the least recently used go first. */
export class WaveformCache {
  private readonly entries = new Map<string, Waveform>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 2 ** 20) {}

  get(key: string): Waveform | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Map keeps insertion order: moving a hit to the end keeps the oldest first.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, waveform: Waveform): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= old.peaks.byteLength;
    }
    if (waveform.peaks.byteLength > this.maxBytes) return;
    this.entries.set(key, waveform);
    this.bytes += waveform.peaks.byteLength;
    for (const [k, w] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= w.peaks.byteLength;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
