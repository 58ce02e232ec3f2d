/**
 * The dataset's history: GET /api/versions lists its versions, newest first (operation, time,
 * rows, columns); GET /api/versions/:version/diff says which cells of which columns that version
 * changed against its parent (bounded by `limit`); GET /api/versions/events pushes a `version`
 * event to every open page when an edit commits. A source that is not a stored dataset has no
 * versions (an empty list).
 */
import type { FastifyInstance } from 'fastify';
import type { VersionList } from '../../../core/app/edit-replies.js';
import { ResourceNotFoundError } from '../../../core/errors.js';
import type { VersionDiff } from '../../../core/io/store/version-replies.js';
import { diffVersion } from '../../io/store/diff.js';
import { versions } from '../../io/store/versions.js';
import type { DatasetEditor } from '../dataset-editor.js';
import type { VersionEvents } from '../version-events.js';
import { plainQuery } from './schemas.js';

/** Most versions listed (the newest). */
const MAX_LISTED = 500;
/** Diffs kept (a version never changes, so its diff is computed once). */
const CACHED_DIFFS = 64;

const versionParams = {
  type: 'object',
  required: ['version'],
  properties: { version: { type: 'integer', minimum: 1 } },
  additionalProperties: false,
} as const;

const diffQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 0, maximum: 1000 },
    token: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
} as const;

export function versionRoutes(app: FastifyInstance, editor: DatasetEditor, events: VersionEvents): void {
  const diffs = new Map<string, Promise<VersionDiff>>();
  // Before the server stops listening: an open event stream would keep it from closing.
  app.addHook('preClose', async () => events.close());

  app.get('/api/versions', { schema: { querystring: plainQuery } }, async (): Promise<VersionList> => {
    const root = editor.datasetPath;
    if (root === null) return { current: null, versions: [] };
    const list = (await versions(root)).reverse().slice(0, MAX_LISTED);
    return { current: editor.version, versions: list };
  });

  app.get<{ Params: { version: number }; Querystring: { limit?: number } }>(
    '/api/versions/:version/diff',
    { schema: { params: versionParams, querystring: diffQuery } },
    async (request): Promise<VersionDiff> => {
      const root = editor.datasetPath;
      if (root === null)
        throw new ResourceNotFoundError('this source is not a stored dataset: it has no versions');
      const key = `${request.params.version}:${request.query.limit ?? 100}`;
      let diff = diffs.get(key);
      if (diff === undefined) {
        diff = diffVersion(root, request.params.version, { limit: request.query.limit ?? 100 });
        diffs.set(key, diff);
        diff.catch(() => diffs.delete(key));
        while (diffs.size > CACHED_DIFFS) diffs.delete(diffs.keys().next().value as string);
      }
      return await diff;
    },
  );

  app.get('/api/versions/events', { schema: { querystring: plainQuery } }, async (_request, reply) =>
    reply.type('text/event-stream').header('cache-control', 'no-cache').send(events.open(editor.version)),
  );
}
