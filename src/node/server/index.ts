/** The app's HTTP API (Fastify): see app.ts for the server and serve.ts for listening. */

export type { Condition, ConditionOp } from '../../core/app/conditions.js';
export { type AppServerOptions, createAppServer } from './app.js';
export type { SourceKind } from './open.js';

export { type RunningApp, type ServeAppOptions, serveApp } from './serve.js';
