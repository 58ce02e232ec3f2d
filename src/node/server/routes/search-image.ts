/**
 * POST /api/search/image?column=C&k=N&metric=M with an image's bytes as the body (content type
 * image/png, image/jpeg, image/webp, image/gif or image/tiff): the k rows most similar to the image
 * by embedding column C. The image is encoded by the encoder that made the column (recorded in the
 * dataset, or `--encoder NAME`), through the same image pipeline `embed` used, then searched like a
 * row (the saved index when current; `method` in the reply). A column with no known encoder is an
 * EncoderNotKnownError (400); another content type 415, a body over the limit 413, bytes that are
 * not such an image 400.
 */
import type { FastifyInstance } from 'fastify';
import { searchRows } from '../../../core/app/search-rows.js';
import { PayloadTooLargeError, UnsupportedContentTypeError } from '../../../core/errors.js';
import type { SearchMetric } from '../../../core/search/index.js';
import type { AppContext } from '../context.js';
import { checkUploadedImage, IMAGE_CONTENT_TYPES } from '../image-upload.js';

interface ImageSearchQuery {
  column: string;
  k?: number;
  metric?: SearchMetric;
  token?: string;
}

export function imageSearchRoutes(app: FastifyInstance, ctx: AppContext): void {
  const limit = ctx.maxUploadBytes;
  // In a scope of its own: the raw-bytes parser applies to this route only.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      [...IMAGE_CONTENT_TYPES],
      { parseAs: 'buffer', bodyLimit: limit },
      (_r, body, done) => done(null, body),
    );
    scope.post<{ Querystring: ImageSearchQuery }>(
      '/api/search/image',
      {
        bodyLimit: limit,
        schema: {
          querystring: {
            type: 'object',
            required: ['column'],
            properties: {
              column: { type: 'string', minLength: 1, maxLength: 1024 },
              k: { type: 'integer', minimum: 1, maximum: 1000 },
              metric: { enum: ['cosine', 'dot', 'l2'] },
              token: { type: 'string', maxLength: 1024 },
            },
            additionalProperties: false,
          },
        },
      },
      async (request) => {
        const { column, k = 10, metric } = request.query;
        const body = request.body;
        if (!(body instanceof Uint8Array))
          throw new UnsupportedContentTypeError(
            `send the image's bytes as the body with its content type (${IMAGE_CONTENT_TYPES.join(', ')}), not ${request.headers['content-type'] ?? 'no content type'}`,
          );
        if (body.length > limit) throw tooLarge(body.length, limit);
        const vector = await ctx.encoders.encodeImage(column, checkUploadedImage(body));
        return searchRows(ctx.frame, column, vector, k, metric);
      },
    );
  });
}

/** The error for an upload over `limit` bytes. */
export function tooLarge(bytes: number | undefined, limit: number): PayloadTooLargeError {
  const size = bytes === undefined ? 'the upload' : `the upload (${bytes} bytes)`;
  return new PayloadTooLargeError(`${size} is over the limit of ${limit} bytes; upload a smaller image`);
}
