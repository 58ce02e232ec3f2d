// The filter builder's model: rules become the server's conditions (incomplete ones left out, the
// text search an OR of case-insensitive `contains` over the string columns), and the filter in the
// URL's hash survives names and texts with the characters that separate its parts.

import { describe, expect, it } from 'vitest';
import type { ColumnInfo } from '../../ui/src/api.js';
import { filterCondition, opsFor } from '../../ui/src/filter/filter-model.js';
import { formatUrlState, parseUrlState, type UrlState } from '../../ui/src/url-state.js';

const columns: ColumnInfo[] = [
  { name: 'score', kind: 'scalar', type: 'float64', dtype: 'float64' },
  { name: 'flag', kind: 'scalar', type: 'bool', dtype: 'bool' },
  { name: 'name', kind: 'scalar', type: 'string', dtype: 'string' },
  { name: 'label', kind: 'scalar', type: 'string', dtype: 'string' },
  { name: 'emb', kind: 'tensor', type: 'tensor<float32>[4]' },
];

describe('filter conditions', () => {
  it('offers the operators a column kind supports', () => {
    expect(opsFor(columns[0])).toEqual(['==', '!=', '<', '<=', '>', '>=', 'in', 'is null', 'is not null']);
    expect(opsFor(columns[1])).toEqual(['==', '!=', 'is null', 'is not null']);
    expect(opsFor(columns[2])).toContain('contains');
    expect(opsFor(columns[4])).toEqual(['is null', 'is not null']);
  });

  it('joins complete rules, leaves out incomplete ones, and ANDs the text search', () => {
    const condition = filterCondition(
      {
        join: 'or',
        rules: [
          { column: 'score', op: '>', value: ' 2.5 ' },
          { column: 'score', op: '<', value: 'abc' }, // not a number: left out
          { column: 'flag', op: '==', value: 'true' },
          { column: 'score', op: 'in', value: '1, 2,3' },
          { column: 'name', op: 'is null', value: 'ignored' },
          { column: 'name', op: 'contains', value: '' }, // empty: left out
        ],
        search: 'Ab',
      },
      columns,
    );
    expect(condition).toEqual({
      and: [
        {
          or: [
            { column: 'score', op: '>', value: 2.5 },
            { column: 'flag', op: '==', value: true },
            { column: 'score', op: 'in', value: [1, 2, 3] },
            { column: 'name', op: 'is null' },
          ],
        },
        {
          or: [
            { column: 'name', op: 'contains', value: 'Ab', ignoreCase: true },
            { column: 'label', op: 'contains', value: 'Ab', ignoreCase: true },
          ],
        },
      ],
    });
    expect(filterCondition({ join: 'and', rules: [], search: '' }, columns)).toBeNull();
  });
});

describe('the filter in the URL', () => {
  it('round-trips names and values with separators in them', () => {
    const state: UrlState = {
      sort: [{ column: '-a,b', descending: true }],
      row: 7,
      selected: null,
      hidden: [],
      mode: 'table',
      image: null,
      captions: null,
      similar: null,
      map: { column: null, method: 'pca', color: null },
      filter: {
        join: 'or',
        rules: [
          { column: 'a&b=c#d,e', op: 'in', value: 'x, y%z' },
          { column: 'n"q]', op: 'is null', value: '' },
        ],
        search: 'fish & chips=#1 %',
      },
    };
    const hash = formatUrlState(state);
    expect(hash.slice(1)).not.toMatch(/[ "#\]]/);
    expect(parseUrlState(hash)).toEqual(state);
  });

  it('reads a malformed filter as none', () => {
    for (const hash of [
      '#filter=%7Bnope',
      '#filter=%5B%22and%22%2C5%5D',
      '#filter=%E0%A4%A',
      '#q=%E0%A4%A',
    ]) {
      const state = parseUrlState(hash);
      expect(state.filter.rules, hash).toEqual([]);
    }
    expect(
      parseUrlState('#filter=%5B%22and%22%2C%5B%5B%22a%22%2C%22like%22%2C%221%22%5D%5D%5D').filter.rules,
    ).toEqual([]);
  });
});
