/** JSON schemas shared by the routes (Fastify validates every request against its route's schema). */
import { CONDITION_OPS } from '../../../core/app/conditions.js';

/** Every query may carry the token (`?token=`), checked by the security hook. */
const token = { type: 'string', maxLength: 1024 } as const;

/** A query with only the token. */
export const plainQuery = { type: 'object', properties: { token }, additionalProperties: false } as const;

/**
 * A window of rows: [start, end), optional columns (comma-separated), the row-number column, and
 * `preview`: 1-D tensor columns as that many [min, max] buckets per row.
 */
export const windowQuery = {
  type: 'object',
  required: ['start', 'end'],
  properties: {
    start: { type: 'integer', minimum: 0 },
    end: { type: 'integer', minimum: 0 },
    columns: { type: 'string', maxLength: 65536 },
    rowIndex: { type: 'boolean' },
    preview: { type: 'integer', minimum: 1, maximum: 4096 },
    token,
  },
  additionalProperties: false,
} as const;

export const viewParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  additionalProperties: false,
} as const;

/** A media cell: the column and the row (the client never names a path). */
/** `:column` of a route about a whole column (cells, map layouts, colours). */
export const columnParams = {
  type: 'object',
  required: ['column'],
  properties: { column: { type: 'string', minLength: 1, maxLength: 1024 } },
  additionalProperties: false,
} as const;

export const cellParams = {
  type: 'object',
  required: ['column', 'row'],
  properties: {
    column: { type: 'string', minLength: 1, maxLength: 1024 },
    row: { type: 'integer', minimum: 0 },
  },
  additionalProperties: false,
} as const;

/** Registered with `app.addSchema`: a filter condition, recursive through `and` / `or`. */
export const conditionSchema = {
  $id: 'condition',
  type: 'object',
  oneOf: [
    {
      type: 'object',
      required: ['column', 'op'],
      properties: {
        column: { type: 'string', minLength: 1 },
        op: { enum: CONDITION_OPS },
        value: {},
        ignoreCase: { type: 'boolean' },
      },
      additionalProperties: false,
    },
    {
      type: 'object',
      required: ['and'],
      properties: { and: { type: 'array', minItems: 1, maxItems: 256, items: { $ref: 'condition#' } } },
      additionalProperties: false,
    },
    {
      type: 'object',
      required: ['or'],
      properties: { or: { type: 'array', minItems: 1, maxItems: 256, items: { $ref: 'condition#' } } },
      additionalProperties: false,
    },
  ],
} as const;

export const sortSchema = {
  type: 'array',
  maxItems: 64,
  items: {
    type: 'object',
    required: ['column'],
    properties: {
      column: { type: 'string', minLength: 1 },
      descending: { type: 'boolean' },
      nulls: { enum: ['first', 'last'] },
    },
    additionalProperties: false,
  },
} as const;
