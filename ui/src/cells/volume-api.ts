/**
 * The server's volume routes (src/node/server/routes/volume.ts): a volume cell's geometry and window,
 * and the URL of one slice as a grey PNG. Axes are canonical RAS+ (0 sagittal, 1 coronal, 2 axial).
 */
import type { VolumeInfoReply } from '../../../src/core/app/media-replies.js';
import { request } from '../api';

export type VolumeInfo = VolumeInfoReply;

export async function fetchVolumeInfo(
  column: string,
  row: number,
  signal?: AbortSignal,
): Promise<VolumeInfo> {
  const response = await request(`api/volume/${encodeURIComponent(column)}/${row}`, signal ? { signal } : {});
  return response.json();
}

/** Slice `index` along `axis`, `size` px on its longer side. */
export function volumeSliceUrl(
  column: string,
  row: number,
  axis: number,
  index: number,
  size: number,
): string {
  return `api/volume/${encodeURIComponent(column)}/${row}/slice?axis=${axis}&index=${index}&size=${size}`;
}
