/**
 * How the app's server answers a failed request: JSON `{ error: { type, message } }` with a 4xx
 * status chosen by the error's class (403 refused, 404 not found, 409 conflict, 416 bad range, 400 any other bad
 * input) and 500 only for what is not a Tessera error (a bug). Fastify's own request errors (schema
 * validation, a malformed body) are bad input: 400 (or their own 4xx) as InvalidArgumentError.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import {
  AccessDeniedError,
  ColumnNotFoundError,
  ConflictError,
  IndexOutOfRangeError,
  MediaRootNotGrantedError,
  PathEscapeError,
  RangeNotSatisfiableError,
  ReadOnlyError,
  ResourceNotFoundError,
  TesseraError,
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
        .send(body('InvalidArgumentError', error.message));
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

function body(type: string, message: string): ErrorBody {
  return { error: { type, message } };
}
