// The app's view state in the URL's hash: every field comes back from its formatted hash, names with
// the hash's separators (`,` `&` `=` `:` `#`, a leading `-`) included, and a hash without the gallery's
// or the search's fields reads as the table with no search.

import { describe, expect, it, vi } from 'vitest';

// The UI's modules import each other the bundler's way (no file extensions), which this project's
// NodeNext type check refuses: the module is loaded by a path the checker does not follow, and typed here.
interface UrlState {
  sort: { column: string; descending?: boolean }[];
  row: number;
  selected: number | null;
  hidden: string[];
  filter: {
    join: 'and' | 'or';
    rules: { column: string; op: string; value: string }[];
    search: string;
    region?: { layout: string; polygon: [number, number][] } | null;
  };
  mode: 'table' | 'gallery' | 'map';
  image: string | null;
  captions: string[] | null;
  similar: { row: number; by: string } | null;
  imageSearch?: { by: string } | null;
  volume?: { column: string; axis: number; index: number } | null;
  map: { column: string | null; method: 'pca' | 'umap'; color: string | null };
}
const urlStateModule: string = '../../ui/src/url-state.ts';
const { formatUrlState, parseUrlState } = (await import(urlStateModule)) as {
  formatUrlState: (state: UrlState) => string;
  parseUrlState: (hash: string) => UrlState;
};

const plain: UrlState = {
  sort: [],
  row: 0,
  selected: null,
  hidden: [],
  filter: { join: 'and', rules: [], search: '' },
  mode: 'table',
  image: null,
  captions: null,
  similar: null,
  map: { column: null, method: 'pca', color: null },
};

describe('the URL state', () => {
  it('reads an old hash as the table without a search', () => {
    expect(parseUrlState('#sort=a,-b&row=12&sel=3&hide=c')).toEqual({
      ...plain,
      sort: [{ column: 'a' }, { column: 'b', descending: true }],
      row: 12,
      selected: 3,
      hidden: ['c'],
    });
    expect(parseUrlState('')).toEqual(plain);
  });

  it('gives back the gallery and a search, awkward names too', () => {
    const awkward = ['-a,b', 'x&y=z', 'p:q#r', 'été'];
    const state: UrlState = {
      ...plain,
      sort: [{ column: awkward[0], descending: true }],
      row: 140,
      selected: 9,
      mode: 'gallery',
      image: awkward[1],
      captions: [awkward[2], awkward[3]],
      similar: { row: 42, by: awkward[0] },
    };
    expect(parseUrlState(formatUrlState(state))).toEqual(state);
    expect(
      formatUrlState({
        ...plain,
        mode: 'gallery',
        image: 'photo',
        captions: ['label'],
        similar: { row: 7, by: 'emb' },
      }),
    ).toBe('#view=gallery&img=photo&cap=label&similar=7&by=emb');
  });

  it('gives back the map, its layout and colour, and a lasso polygon in the filter', () => {
    const state: UrlState = {
      ...plain,
      mode: 'map',
      map: { column: 'emb,1', method: 'umap', color: 'x&y' },
      filter: {
        join: 'and',
        rules: [],
        search: '',
        region: {
          layout: 'emb,1.map.umap',
          polygon: [
            [0.5, -1.25],
            [3, 4],
            [-2e-7, 1e6],
          ],
        },
      },
    };
    expect(parseUrlState(formatUrlState(state))).toEqual(state);
    // A polygon of fewer than 3 vertices or with something not a number is no selection.
    expect(parseUrlState('#lasso=e.map.pca&poly=1,2,3,4').filter.region).toBeUndefined();
    expect(parseUrlState('#lasso=e.map.pca&poly=1,2,3,4,5,x').filter.region).toBeUndefined();
  });

  it('keeps "no captions" apart from "the default captions"', () => {
    expect(parseUrlState(formatUrlState({ ...plain, mode: 'gallery', captions: [] })).captions).toEqual([]);
    expect(parseUrlState(formatUrlState({ ...plain, mode: 'gallery' })).captions).toBeNull();
  });

  it('keeps a search by an uploaded image as its column only (the image cannot be in a URL)', () => {
    const hash = formatUrlState({ ...plain, mode: 'gallery', imageSearch: { by: 'a,b&c' } });
    expect(hash).toBe('#view=gallery&similar=upload&by=a%2Cb%26c');
    expect(parseUrlState(hash)).toEqual({ ...plain, mode: 'gallery', imageSearch: { by: 'a,b&c' } });
    expect(parseUrlState('#similar=upload').imageSearch).toBeUndefined();
    expect(parseUrlState('#similar=upload&by=emb').similar).toBeNull();
  });

  it('ignores a search without its column or with a row that is not a whole number', () => {
    expect(parseUrlState('#similar=7').similar).toBeNull();
    expect(parseUrlState('#similar=-1&by=emb').similar).toBeNull();
    expect(parseUrlState('#similar=x&by=emb').similar).toBeNull();
  });

  it("keeps the row detail's volume slice: column, axis and slice index", () => {
    const state: UrlState = { ...plain, selected: 4, volume: { column: 'ct,a&b', axis: 0, index: 12 } };
    const hash = formatUrlState(state);
    expect(hash).toBe('#sel=4&vol=ct%2Ca%26b&axis=0&slice=12');
    expect(parseUrlState(hash)).toEqual(state);
    // None: no parts in the hash, and none read back.
    expect(formatUrlState({ ...plain, volume: null })).toBe('');
    expect(parseUrlState('').volume).toBeUndefined();
  });

  it('ignores a volume slice with a part missing, an axis past 2 or an index that is not a whole number', () => {
    expect(parseUrlState('#vol=ct&axis=1').volume).toBeUndefined();
    expect(parseUrlState('#axis=1&slice=3').volume).toBeUndefined();
    expect(parseUrlState('#vol=ct&axis=3&slice=3').volume).toBeUndefined();
    expect(parseUrlState('#vol=ct&axis=1&slice=-3').volume).toBeUndefined();
    expect(parseUrlState('#vol=ct&axis=x&slice=3').volume).toBeUndefined();
    expect(parseUrlState('#vol=ct&axis=2&slice=0').volume).toEqual({ column: 'ct', axis: 2, index: 0 });
  });
});

const { replaceHashSoon, flushHashWrite } = (await import(urlStateModule)) as {
  replaceHashSoon: (hash: string) => () => void;
  flushHashWrite: () => void;
};

describe('the debounced hash write', () => {
  /** A page's location and history as the module uses them: the writes it made, in order. */
  function fakePage(): string[] {
    const writes: string[] = [];
    const location = { pathname: '/', search: '', hash: '' };
    vi.stubGlobal('window', { location });
    vi.stubGlobal('history', {
      replaceState: (_: unknown, __: string, url: string) => {
        writes.push(url);
        location.hash = url.slice(url.indexOf('#'));
      },
    });
    return writes;
  }

  it('writes after a pause, and a newer state cancels the older write', () => {
    vi.useFakeTimers();
    const writes = fakePage();
    const cancel = replaceHashSoon('#row=1');
    cancel();
    replaceHashSoon('#row=2');
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(writes).toEqual(['/#row=2']);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('flushes the waiting write at once (before the views remount), and only once', () => {
    vi.useFakeTimers();
    const writes = fakePage();
    const cancel = replaceHashSoon('#filter=x');
    flushHashWrite();
    expect(writes).toEqual(['/#filter=x']);
    cancel(); // the unmounting view's cleanup: nothing left to cancel
    vi.advanceTimersByTime(200);
    flushHashWrite();
    expect(writes).toEqual(['/#filter=x']);
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
});
