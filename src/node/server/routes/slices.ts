/**
 * POST /api/slices {label, prediction?, scores?, groups?, filter?, discover?, maxGroups?, bootstrap?,
 * bootstrapRows?}:
 * a classifier's metrics per slice of the open frame (within the app's current filter), with
 * intervals and the gap from overall, the discovered slices, the confusion matrix and the
 * calibration bins, as JSON (small aggregates). See src/core/app/slice-metrics.ts.
 */
import type { FastifyInstance } from 'fastify';
import { sliceReport } from '../../../core/app/slice-metrics.js';
import type { SliceRequest } from '../../../core/app/slice-replies.js';
import type { AppContext } from '../context.js';
import { plainQuery } from './schemas.js';

const columnName = { type: 'string', minLength: 1, maxLength: 1024 } as const;

export function sliceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: SliceRequest }>(
    '/api/slices',
    {
      schema: {
        querystring: plainQuery,
        body: {
          type: 'object',
          required: ['label'],
          properties: {
            label: columnName,
            prediction: columnName,
            scores: columnName,
            classes: {
              type: 'array',
              minItems: 1,
              maxItems: 10000,
              items: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
            },
            groups: { type: 'array', maxItems: 16, items: columnName },
            filter: { $ref: 'condition#' },
            discover: {
              type: 'object',
              required: ['embedding'],
              properties: { embedding: columnName, k: { type: 'integer', minimum: 2, maximum: 64 } },
              additionalProperties: false,
            },
            maxGroups: { type: 'integer', minimum: 1, maximum: 500 },
            bootstrap: { type: 'integer', minimum: 10, maximum: 2000 },
            bootstrapRows: { type: 'integer', minimum: 50, maximum: 1_000_000 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => sliceReport(ctx, request.body),
  );
}
