/** The slices panel's request: POST /api/slices (src/node/server/routes/slices.ts). */
import { request } from '../api';
import type { SliceReport } from './slices-model';

/** Metrics per slice, confusion and calibration for `body` (see `sliceRequest`); `signal` cancels it. */
export async function fetchSlices(body: Record<string, unknown>, signal?: AbortSignal): Promise<SliceReport> {
  const response = await request('api/slices', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return response.json();
}
