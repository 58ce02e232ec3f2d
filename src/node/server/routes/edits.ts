/**
 * Edits: POST /api/edits sets one value in some cells of one column and commits a new version (see
 * dataset-editor.ts); POST /api/undo undoes the newest edit; GET /api/edits/access says whether this
 * page may edit (so a read-only page shows no editors). Writes need the server's write secret (the
 * `?token=` of the URL `tessera app` printed) even on loopback; a read-only server, or a source that
 * is not a stored dataset, refuses them with ReadOnlyError.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EditAccess } from '../../../core/app/edit-replies.js';
import { AccessDeniedError } from '../../../core/errors.js';
import type { DatasetEditor, EditRequest } from '../dataset-editor.js';
import { plainQuery } from './schemas.js';

/** Most rows an edit may list by number (more: send a filter or a view). */
export const MAX_EDIT_ROWS = 1000;

// Any JSON here, checked by the editor against the column's type: the server's Ajv coerces types,
// and a typed schema would turn a number into text (or text into a number) before the check.
const cellValue = {} as const;

const editBody = {
  type: 'object',
  required: ['column', 'value'],
  properties: {
    column: { type: 'string', minLength: 1, maxLength: 1024 },
    value: cellValue,
    rows: { type: 'array', minItems: 1, maxItems: MAX_EDIT_ROWS, items: { type: 'integer', minimum: 0 } },
    expected: { type: 'array', maxItems: MAX_EDIT_ROWS, items: cellValue },
    filter: { $ref: 'condition#' },
    view: { type: 'string', minLength: 1, maxLength: 64 },
    baseVersion: { type: 'integer', minimum: 1 },
    create: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

const undoBody = {
  type: 'object',
  required: ['version'],
  properties: { version: { type: 'integer', minimum: 1 } },
  additionalProperties: false,
} as const;

export function editRoutes(
  app: FastifyInstance,
  editor: DatasetEditor,
  canWrite: (request: FastifyRequest) => boolean,
): void {
  /** Refuse a write before it runs: a read-only server or source, or a request without the secret. */
  const guard = async (request: FastifyRequest) => {
    const refused = editor.refusal();
    if (refused !== null) throw refused;
    if (!canWrite(request))
      throw new AccessDeniedError(
        "edits need this server's write secret: open the URL that `tessera app` printed (it carries ?token=...), or send `Authorization: Bearer SECRET`",
      );
  };

  app.get(
    '/api/edits/access',
    { schema: { querystring: plainQuery } },
    async (request): Promise<EditAccess> => {
      const refused = editor.refusal();
      const writable = refused === null && canWrite(request);
      return {
        writable,
        version: editor.version,
        reason: refused?.message ?? (writable ? null : 'this page does not carry the write secret'),
      };
    },
  );

  app.post<{ Body: EditRequest }>(
    '/api/edits',
    { schema: { querystring: plainQuery, body: editBody }, preHandler: guard },
    async (request, reply) => reply.code(201).send(await editor.edit(request.body)),
  );

  app.post<{ Body: { version: number } }>(
    '/api/undo',
    { schema: { querystring: plainQuery, body: undoBody }, preHandler: guard },
    async (request, reply) => reply.code(201).send(await editor.undo(request.body.version)),
  );
}
