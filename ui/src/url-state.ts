/**
 * The view state that lives in the URL's hash, so that a link reproduces the view:
 * `#sort=price,-name&row=1200&sel=1234&hide=a,b&filter=…&q=text` (sort keys in order, `-` for
 * descending; the row at the top; the selected frame row; hidden columns; the filter rules as
 * percent-encoded JSON `["and",[[column,op,value],…]]`; the text search). Names are percent-encoded.
 * The gallery adds `&view=gallery&img=photo&cap=label,id`, and "find similar" `&similar=42&by=emb`
 * (the results of a search from frame row 42 by column emb, shown until the user goes back), or
 * `&similar=upload&by=emb` for a search by an uploaded image (which the URL cannot hold). The
 * slices panel is `&view=slices&slices=…` (its chosen columns, percent-encoded JSON read by
 * slices/slices-model.ts). The map adds `&view=map&map=emb&layout=umap&color=label`, and a
 * selection drawn on it `&lasso=emb.map.pca&poly=x,y,…` (map/region.ts), which filters every view
 * like the rules do. The row detail's volume viewer adds `&vol=scan&axis=0&slice=12` (its column, the
 * axis 0–2 and the slice index), so a link opens the selected row at that slice.
 */
import type { SortKey } from './api';
import { type FilterOp, type FilterRule, type FilterState, takesValue } from './filter/filter-model';
import { formatPolygon, type MapRegion, parsePolygon } from './map/region';

export interface UrlState {
  sort: SortKey[];
  /** The row (position in the current view) at the top of the table. */
  row: number;
  /** The selected frame row, shown in the detail panel. */
  selected: number | null;
  hidden: string[];
  filter: FilterState;
  /** Which view shows the rows. */
  mode: 'table' | 'gallery' | 'slices' | 'map';
  /** The gallery's image column (null: the first one). */
  image: string | null;
  /** The gallery's caption columns (null: the default). */
  captions: string[] | null;
  /** A "find similar" search shown instead of the frame. */
  similar: { row: number; by: string } | null;
  /**
   * A search by an uploaded image, by this embedding column (`similar=upload&by=emb`). The image
   * itself cannot live in a URL: after a reload the page has no image, and shows the frame again.
   * Absent (or null) when there is none.
   */
  imageSearch?: { by: string } | null;
  /** The slices panel's chosen columns as JSON text (absent: guessed from the names). */
  slices?: string | null;
  /** The open row detail's volume slice (absent or null: the viewer's default, the middle axial one). */
  volume?: VolumeSlice | null;
  /** The map's embedding column (null: the first one), layout method and colour column. */
  map: { column: string | null; method: 'pca' | 'umap'; color: string | null };
}

/** A volume column's slice: `axis` 0 (sagittal), 1 (coronal) or 2 (axial), slice `index` along it. */
export interface VolumeSlice {
  column: string;
  axis: number;
  index: number;
}

const FILTER_OPS: readonly string[] = [
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'contains',
  'is null',
  'is not null',
];

/** The filter rules of `filter=` (JSON): anything not of the expected shape is left out. */
function parseFilter(encoded: string | null, search: string): FilterState {
  let join: 'and' | 'or' = 'and';
  const rules: FilterRule[] = [];
  try {
    const parsed: unknown = encoded === null ? null : JSON.parse(decodeURIComponent(encoded));
    if (Array.isArray(parsed) && Array.isArray(parsed[1])) {
      if (parsed[0] === 'or') join = 'or';
      for (const r of parsed[1] as unknown[])
        if (
          Array.isArray(r) &&
          typeof r[0] === 'string' &&
          FILTER_OPS.includes(r[1]) &&
          (r[2] === undefined || typeof r[2] === 'string')
        )
          rules.push({ column: r[0], op: r[1] as FilterOp, value: r[2] ?? '' });
    }
  } catch {
    // not JSON: no rules
  }
  return { join, rules, search };
}

function formatFilter(filter: FilterState): string[] {
  const parts: string[] = [];
  if (filter.rules.length > 0) {
    const rules = filter.rules.map((r) => (takesValue(r.op) ? [r.column, r.op, r.value] : [r.column, r.op]));
    parts.push(`filter=${encodeURIComponent(JSON.stringify([filter.join, rules]))}`);
  }
  if (filter.search !== '') parts.push(`q=${encodeURIComponent(filter.search)}`);
  if (filter.region)
    parts.push(`lasso=${encodeName(filter.region.layout)}&poly=${formatPolygon(filter.region.polygon)}`);
  return parts;
}

/** Raw (still encoded) comma-separated items. */
function items(value: string | null): string[] {
  return value === null || value === '' ? [] : value.split(',');
}

/** A name encoded so that neither a comma nor a leading `-` (descending) can be read into it. */
function encodeName(name: string): string {
  return encodeURIComponent(name).replace(/^-/, '%2D');
}

function wholeNumber(value: string | null): number | null {
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

const VIEWS: readonly UrlState['mode'][] = ['table', 'gallery', 'slices', 'map'];

/** The view a `view=` value names; the table for any other. */
function viewOf(value: string | null): UrlState['mode'] {
  return VIEWS.find((v) => v === value) ?? 'table';
}

export function parseUrlState(hash: string): UrlState {
  // Split by hand: URLSearchParams would decode the names' commas before the split.
  const params = new Map<string, string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const get = (key: string) => params.get(key) ?? null;
  const sort = items(get('sort')).map((key) =>
    key.startsWith('-')
      ? { column: safeDecode(key.slice(1)), descending: true }
      : { column: safeDecode(key) },
  );
  return {
    sort,
    row: wholeNumber(get('row')) ?? 0,
    selected: wholeNumber(get('sel')),
    hidden: items(get('hide')).map(safeDecode),
    filter: withRegion(
      parseFilter(get('filter'), safeDecode(get('q') ?? '')),
      regionOf(get('lasso'), get('poly')),
    ),
    mode: viewOf(get('view')),
    image: get('img') === null ? null : safeDecode(get('img') as string),
    captions: get('cap') === null ? null : items(get('cap')).map(safeDecode),
    similar: similarOf(wholeNumber(get('similar')), get('by')),
    map: {
      column: get('map') === null ? null : safeDecode(get('map') as string),
      method: get('layout') === 'umap' ? 'umap' : 'pca',
      color: get('color') === null ? null : safeDecode(get('color') as string),
    },
    // Present only when there is one, so that states written before it compare equal.
    ...(get('similar') === 'upload' && (get('by') ?? '') !== ''
      ? { imageSearch: { by: safeDecode(get('by') as string) } }
      : {}),
    ...(get('slices') !== null ? { slices: safeDecode(get('slices') as string) } : {}),
    ...volumeOf(get('vol'), get('axis'), get('slice')),
  };
}

/** `{ volume }` when all three parts are there and valid, else nothing. */
function volumeOf(
  column: string | null,
  axis: string | null,
  index: string | null,
): { volume?: VolumeSlice } {
  const a = wholeNumber(axis);
  const i = wholeNumber(index);
  return column === null || column === '' || a === null || a > 2 || i === null
    ? {}
    : { volume: { column: safeDecode(column), axis: a, index: i } };
}

function withRegion(filter: FilterState, region: MapRegion | null): FilterState {
  return region === null ? filter : { ...filter, region };
}

function regionOf(layout: string | null, poly: string | null): MapRegion | null {
  const polygon = parsePolygon(poly);
  return layout === null || layout === '' || polygon === null
    ? null
    : { layout: safeDecode(layout), polygon };
}

function similarOf(row: number | null, by: string | null): UrlState['similar'] {
  return row === null || by === null || by === '' ? null : { row, by: safeDecode(by) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function formatUrlState(state: UrlState): string {
  // Commas separate names, so they (and everything unsafe in a hash) are percent-encoded.
  const list = (xs: string[]) => xs.map(encodeName).join(',');
  const parts: string[] = [];
  if (state.sort.length > 0)
    parts.push(
      `sort=${state.sort.map((k) => (k.descending ? `-${encodeName(k.column)}` : encodeName(k.column))).join(',')}`,
    );
  if (state.row > 0) parts.push(`row=${state.row}`);
  if (state.selected !== null) parts.push(`sel=${state.selected}`);
  if (state.hidden.length > 0) parts.push(`hide=${list(state.hidden)}`);
  parts.push(...formatFilter(state.filter));
  if (state.mode !== 'table') parts.push(`view=${state.mode}`);
  if (state.image !== null) parts.push(`img=${encodeName(state.image)}`);
  if (state.captions !== null) parts.push(`cap=${list(state.captions)}`);
  if (state.similar !== null) parts.push(`similar=${state.similar.row}&by=${encodeName(state.similar.by)}`);
  else if (state.imageSearch != null) parts.push(`similar=upload&by=${encodeName(state.imageSearch.by)}`);
  if (state.slices != null) parts.push(`slices=${encodeURIComponent(state.slices)}`);
  if (state.volume != null)
    parts.push(
      `vol=${encodeName(state.volume.column)}&axis=${state.volume.axis}&slice=${state.volume.index}`,
    );
  if (state.map.column !== null) parts.push(`map=${encodeName(state.map.column)}`);
  if (state.map.method !== 'pca') parts.push(`layout=${state.map.method}`);
  if (state.map.color !== null) parts.push(`color=${encodeName(state.map.color)}`);
  return parts.length === 0 ? '' : `#${parts.join('&')}`;
}

/**
 * Write `hash` into the URL once the view has settled (120 ms later, replacing the history entry);
 * returns the cancel, which a newer state or an unmounted view calls.
 */
export function replaceHashSoon(hash: string): () => void {
  const entry = { hash, timer: setTimeout(() => writeHash(entry), 120) };
  pending = entry;
  return () => {
    clearTimeout(entry.timer);
    if (pending === entry) pending = null;
  };
}

/** The hash write that {@link replaceHashSoon} still waits to make, if any. */
let pending: { hash: string; timer: ReturnType<typeof setTimeout> } | null = null;

function writeHash(entry: { hash: string }): void {
  if (pending === entry) pending = null;
  if (window.location.hash !== entry.hash)
    history.replaceState(null, '', `${window.location.pathname}${window.location.search}${entry.hash}`);
}

/**
 * Make the waiting hash write now: before the views are built again (a new schema remounts them and
 * they read their state from the URL), so the latest filter, sort or scroll is not lost with them.
 */
export function flushHashWrite(): void {
  if (pending === null) return;
  clearTimeout(pending.timer);
  writeHash(pending);
}
