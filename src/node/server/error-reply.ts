/**
 * How the app's server answers a failed request: JSON `{ error: { type, message } }` with a status
 * chosen by the error's class (403 refused, 404 not found, 409 conflict, 413 too large, 415 bad
 * content type, 416 bad range, 501 a program such as ffmpeg missing on the server, 504 a computed
 * cell too slow, 400 any other bad input) and 500 only for what is not a Tessera error (a bug).
 * Fastify's own request errors (schema validation, a malformed body) are bad input: 400 (or their
 * own 4xx) as InvalidArgumentError.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import {
  AccessDeniedError,
  CellTimeoutError,
  ColumnNotFoundError,
  ConflictError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  MediaRootNotGrantedError,
  PathEscapeError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  ReadOnlyError,
  ResourceNotFoundError,
  TesseraError,
  ToolNotFoundError,
  UnsupportedContentTypeError,
} from '../../core/errors.js';

/** The body of every error reply. */
export interface ErrorBody {
  error: { type: string; message: string };
}

/** The HTTP status for a Tessera error. */
export function statusOf(e: TesseraError): number {
  if (
    e instanceof AccessDeniedError ||
    e instanceof PathEscapeError ||
    e instanceof MediaRootNotGrantedError ||
    e instanceof ReadOnlyError
  )
    return 403;
  if (e instanceof ConflictError) return 409;
  if (
    e instanceof ResourceNotFoundError ||
    e instanceof ColumnNotFoundError ||
    e instanceof IndexOutOfRangeError
  )
    return 404;
  if (e instanceof RangeNotSatisfiableError) return 416;
  if (e instanceof CellTimeoutError) return 504;
  if (e instanceof PayloadTooLargeError) return 413;
  if (e instanceof UnsupportedContentTypeError) return 415;
  // Not the request's fault: this machine lacks a program the answer needs (ffmpeg for video).
  if (e instanceof ToolNotFoundError) return 501;
  return 400;
}

/** Install the error and not-found handlers on `app`. */
export function installErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | TesseraError | Error, request, reply) => {
    if (error instanceof TesseraError) {
      const status = statusOf(error);
      return reply.code(status).type('application/json').send(body(error.name, error.message));
    }
    const code = (error as FastifyError).statusCode;
    if ((error as FastifyError).validation !== undefined || (code !== undefined && code >= 400 && code < 500))
      return reply
        .code(code !== undefined && code >= 400 && code < 500 ? code : 400)
        .type('application/json')
        .send(body(fastifyErrorType(code), error.message));
    request.log.error(error);
    return reply.code(500).type('application/json').send(body('InternalError', error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type('application/json')
      .send(body('ResourceNotFoundError', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}

/** The Tessera error type of a Fastify request error, by its status. */
function fastifyErrorType(code: number | undefined): string {
  if (code === 413) return PayloadTooLargeError.name;
  if (code === 415) return UnsupportedContentTypeError.name;
  return InvalidArgumentError.name;
}

function body(type: string, message: string): ErrorBody {
  return { error: { type, message } };
}
