/** What every route of the app's server works on: the open frame, its views and where media may come from. */

import type { ViewStore } from '../../core/app/views.js';
import type { DataFrame } from '../../core/frame/frame.js';
import type { LayoutStore } from './map-layouts.js';
import type { SourceKind } from './open.js';
import type { QueryEncoders } from './query-encoders.js';

export interface AppContext {
  frame: DataFrame;
  /** What was opened (for the schema route): its kind and file or folder name. */
  source: { kind: SourceKind | 'frame'; name: string };
  views: ViewStore;
  /** Real paths of the directories media files may be served from. */
  mediaRoots: readonly string[];
  /** Folder of cached thumbnails (one per dataset). */
  thumbnailDir: string;
  /** Most rows one window may ask for. */
  maxWindowRows: number;
  /** Longest wait, in ms, for one request's computed cells (/api/cells). */
  cellTimeoutMs: number;
  /** The encoders of queries (uploaded images), by embedding column. */
  encoders: QueryEncoders;
  /** Largest uploaded image, in bytes. */
  maxUploadBytes: number;
  /** The map's layouts of embedding columns. */
  layouts: LayoutStore;
}
