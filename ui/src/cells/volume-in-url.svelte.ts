/**
 * The open row detail's volume slice, shared between the volume viewer (which sets it) and the
 * views that write the URL (which carry it, `&vol=…&axis=…&slice=…` in url-state.ts), so a link
 * reopens the selected row at that slice. It starts from the URL the page opened with, which
 * speaks of the selected row then.
 */
import { parseUrlState, type UrlState, type VolumeSlice } from '../url-state';

const opened = parseUrlState(window.location.hash);

export const volumeInUrl = $state<{ slice: VolumeSlice | null; row: number | null }>({
  slice: opened.volume ?? null,
  row: opened.selected,
});

/** The slice where the URL's says one for `column` of `row`, else null (the viewer's default). */
export function linkedSlice(column: string, row: number): VolumeSlice | null {
  const s = volumeInUrl.slice;
  return s !== null && s.column === column && volumeInUrl.row === row ? s : null;
}

/** The viewer of `column` of `row` shows `slice` (null: it closed). */
export function showSlice(column: string, row: number, slice: Omit<VolumeSlice, 'column'> | null): void {
  if (slice === null) {
    if (volumeInUrl.slice?.column === column && volumeInUrl.row === row) volumeInUrl.slice = null;
    return;
  }
  volumeInUrl.slice = { column, ...slice };
  volumeInUrl.row = row;
}

/** The URL state's volume part, for a view's formatUrlState (read in an effect: it follows it). */
export function volumeState(): Pick<UrlState, 'volume'> {
  return { volume: volumeInUrl.slice };
}
