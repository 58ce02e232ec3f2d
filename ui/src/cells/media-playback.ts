/**
 * One sound at a time: every audio or video element of the page claims playback when it starts,
 * which pauses the one that played before (a table cell, the row detail's player, a video).
 */
let current: HTMLMediaElement | null = null;

/** Call from an element's `play` event: pauses whatever else was playing. */
export function claimPlayback(element: HTMLMediaElement): void {
  if (current !== null && current !== element && !current.paused) current.pause();
  current = element;
}
