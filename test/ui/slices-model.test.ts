// The slices panel's model: the columns it guesses from their names, the request it makes, and a
// slice's condition turned into the URL's filter rules (ANDed with the current rules on other
// columns), which survive the URL and give back the slice's condition.
import { describe, expect, it } from 'vitest';
import type { ColumnInfo } from '../../ui/src/api.js';
import { filterCondition } from '../../ui/src/filter/filter-model.js';
import {
  conditionRules,
  filterToSlice,
  formatChoice,
  groupableColumns,
  guessChoice,
  parseChoice,
  sliceRequest,
} from '../../ui/src/slices/slices-model.js';
import { formatUrlState, parseUrlState } from '../../ui/src/url-state.js';

const string = (name: string): ColumnInfo => ({ name, kind: 'scalar', type: 'string', dtype: 'string' });
const columns: ColumnInfo[] = [
  { name: 'id', kind: 'scalar', type: 'int32', dtype: 'int32' },
  { name: 'image', kind: 'deferred', type: 'image', media: 'image' },
  string('label'),
  string('pred'),
  { name: 'correct', kind: 'scalar', type: 'bool', dtype: 'bool' },
  string('background'),
  string('split'),
  string('image_file'),
  { name: 'embedding', kind: 'tensor', type: 'tensor<float32>[1280]' },
  { name: 'probs', kind: 'tensor', type: 'tensor<float32>[3]' },
  { name: 'embedding_cluster_k6', kind: 'scalar', type: 'int32', dtype: 'int32' },
];

describe('the slices panel model', () => {
  it('guesses label, prediction, scores, embedding and groups from the names', () => {
    expect(guessChoice(columns)).toEqual({
      label: 'label',
      prediction: 'pred',
      scores: 'probs',
      groups: ['background', 'split'],
      embedding: 'embedding',
      k: 6,
    });
    expect(guessChoice(columns, 1_000_000).embedding).toBeNull(); // discovery starts off on big frames
    expect(groupableColumns(columns).map((c) => c.name)).toEqual([
      'label',
      'pred',
      'correct',
      'background',
      'split',
    ]);
    const other = guessChoice([
      string('target'),
      string('y_pred'),
      { name: 'class_scores', kind: 'tensor', type: 't' },
    ]);
    expect(other).toMatchObject({
      label: 'target',
      prediction: 'y_pred',
      scores: 'class_scores',
      embedding: null,
    });
  });

  it('asks for nothing without a label or without predictions and scores', () => {
    const choice = guessChoice(columns);
    expect(sliceRequest({ ...choice, label: null }, null)).toBeNull();
    expect(sliceRequest({ ...choice, prediction: null, scores: null }, null)).toBeNull();
    const filter = { column: 'split', op: '==', value: 'test' };
    expect(sliceRequest({ ...choice, embedding: null, groups: [] }, filter)).toEqual({
      label: 'label',
      prediction: 'pred',
      scores: 'probs',
      filter,
    });
  });

  it("turns a slice's condition into rules that survive the URL and give the condition back", () => {
    const cell = {
      and: [
        { column: 'label', op: '==', value: 'circle' },
        { column: 'pred', op: '==', value: 'square' },
      ],
    };
    const current = {
      join: 'and' as const,
      rules: [
        { column: 'split', op: '==' as const, value: 'test' },
        { column: 'label', op: '!=' as const, value: 'x' },
      ],
      search: 'abc',
    };
    const next = filterToSlice(current, cell);
    // The rule on another column stays; the one on the slice's column gives way.
    expect(next).toEqual({
      join: 'and',
      rules: [
        { column: 'split', op: '==', value: 'test' },
        { column: 'label', op: '==', value: 'circle' },
        { column: 'pred', op: '==', value: 'square' },
      ],
      search: 'abc',
    });
    const url = parseUrlState(formatUrlState({ ...parseUrlState(''), filter: next! }));
    expect(url.filter).toEqual(next);
    const condition = filterCondition({ ...url.filter, search: '' }, columns);
    expect(condition).toEqual({ and: [{ column: 'split', op: '==', value: 'test' }, ...cell.and] });
    // Numbers and nulls: a cluster and a null group.
    const cluster = conditionRules({ column: 'embedding_cluster_k6', op: '==', value: 3 });
    expect(filterCondition({ join: 'and', rules: cluster!, search: '' }, columns)).toEqual({
      column: 'embedding_cluster_k6',
      op: '==',
      value: 3,
    });
    expect(conditionRules({ column: 'split', op: 'is null' })).toEqual([
      { column: 'split', op: 'is null', value: '' },
    ]);
    // An OR filter is replaced (the URL's rules have one join).
    expect(filterToSlice({ ...current, join: 'or' }, cell)?.rules).toHaveLength(2);
  });

  it('keeps the slices mode and the chosen columns in the URL', () => {
    expect(parseUrlState('#view=slices').mode).toBe('slices');
    expect(formatUrlState({ ...parseUrlState(''), mode: 'slices' })).toBe('#view=slices');
    const choice = { ...guessChoice(columns), groups: ['split', 'a&b=c,d'], k: 9 };
    const withOdd = [...columns, string('a&b=c,d')];
    const hash = formatUrlState({ ...parseUrlState(''), mode: 'slices', slices: formatChoice(choice) });
    expect(parseChoice(parseUrlState(hash).slices ?? null, withOdd)).toEqual(choice);
    // Names the frame lacks are dropped; what is not a choice is none.
    expect(parseChoice(formatChoice(choice), columns)?.groups).toEqual(['split']);
    expect(parseChoice('{"label": "nope", "k": 1000}', columns)).toMatchObject({ label: null, k: 6 });
    expect(parseChoice('not json', columns)).toBeNull();
    expect(parseChoice(null, columns)).toBeNull();
  });
});
