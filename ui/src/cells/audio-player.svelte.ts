/**
 * The table's audio player: one hidden <audio> element for every audio cell, so starting one cell
 * stops the one before; it streams from /api/media with range requests. Cells read `playing` and
 * `progress` to draw their button and the played part of their waveform.
 */
import { mediaUrl } from '../api';
import { claimPlayback } from './media-playback';

class CellPlayer {
  /** The cell playing now (frame row), if any. */
  playing = $state<{ column: string; row: number } | null>(null);
  /** Fraction of it played, 0–1. */
  progress = $state(0);
  private element: HTMLAudioElement | null = null;

  isPlaying(column: string, row: number): boolean {
    return this.playing !== null && this.playing.column === column && this.playing.row === row;
  }

  /** Play the cell, or stop it if it is the one playing. */
  toggle(column: string, row: number): void {
    const audio = this.audio();
    if (this.isPlaying(column, row)) {
      audio.pause();
      return;
    }
    audio.src = mediaUrl(column, row);
    this.playing = { column, row };
    this.progress = 0;
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
