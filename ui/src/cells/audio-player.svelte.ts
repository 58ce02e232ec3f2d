/**
 * The table's audio player: one hidden <audio> element for every audio cell, so starting one cell
 * stops the one before; it streams from /api/media with range requests (in the tab, from a blob URL
 * of the worker's bytes). Cells read `playing` and `progress` to draw their button and the played
 * part of their waveform.
 */
import { mediaUrl } from '../api';
import { inTabMediaUrl } from '../local/in-tab-media-urls';
import { IN_TAB } from '../local/mode';
import { claimPlayback } from './media-playback';

class CellPlayer {
  /** The cell playing now (frame row), if any. */
  playing = $state<{ column: string; row: number } | null>(null);
  /** Fraction of it played, 0–1. */
  progress = $state(0);
  private element: HTMLAudioElement | null = null;
  /** Counts toggles: a blob URL that comes after a later toggle is not played. */
  private asked = 0;

  isPlaying(column: string, row: number): boolean {
    return this.playing !== null && this.playing.column === column && this.playing.row === row;
  }

  /** Play the cell, or stop it if it is the one playing. */
  toggle(column: string, row: number): void {
    const audio = this.audio();
    const asked = ++this.asked;
    if (this.isPlaying(column, row)) {
      // Still fetching its bytes (in the tab), nothing plays: no pause event will come.
      if (audio.paused) this.playing = null;
      audio.pause();
      return;
    }
    this.playing = { column, row };
    this.progress = 0;
    const url = mediaUrl(column, row);
    if (!IN_TAB) {
      this.play(audio, url, column, row);
      return;
    }
    // In the tab the worker has the bytes: play the page's blob URL of them (the static host has none).
    inTabMediaUrl(url).then(
      (blobUrl) => {
        if (asked === this.asked) this.play(audio, blobUrl, column, row);
      },
      () => {
        if (asked === this.asked && this.isPlaying(column, row)) this.playing = null;
      },
    );
  }

  private play(audio: HTMLAudioElement, src: string, column: string, row: number): void {
    audio.src = src;
    audio.play().catch(() => {
      if (this.isPlaying(column, row)) this.playing = null;
    });
  }

  private audio(): HTMLAudioElement {
    if (this.element !== null) return this.element;
    const audio = document.createElement('audio');
    audio.dataset.testid = 'cell-audio';
    audio.preload = 'auto';
    audio.hidden = true;
    audio.addEventListener('play', () => claimPlayback(audio));
    // A pause event queued by the previous cell arrives after the next one started: check `paused`.
    const stopped = () => {
      if (audio.paused) this.playing = null;
    };
    audio.addEventListener('pause', stopped);
    audio.addEventListener('ended', stopped);
    audio.addEventListener('timeupdate', () => {
      this.progress = audio.duration > 0 ? audio.currentTime / audio.duration : 0;
    });
    document.body.append(audio);
    this.element = audio;
    return audio;
  }
}

export const cellPlayer = new CellPlayer();
