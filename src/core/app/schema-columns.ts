/** The open frame's columns as the app's schema lists them (the server's /api/schema and the in-tab worker). */
import { formatType } from '../column/types.js';
import type { DataFrame } from '../frame/frame.js';

/** One column as the app sees it: name, kind, type, and per kind its dtype, row shape or media. */
export interface SchemaColumn {
  name: string;
  kind: string;
  type: string;
  dtype?: string;
  shape?: readonly number[];
  media?: string;
}

export function schemaColumns(frame: DataFrame): SchemaColumn[] {
  return frame.schema.map((f) => ({
    name: f.name,
    kind: f.type.kind,
    type: formatType(f.type),
    ...('dtype' in f.type ? { dtype: f.type.dtype } : {}),
    ...('shape' in f.type ? { shape: f.type.shape } : {}),
    ...(f.type.kind === 'deferred' && f.type.media !== undefined ? { media: f.type.media } : {}),
  }));
}
