/** The page's side of embedding in the tab (the worker's `api/embed` routes, in-tab-embed.ts). */
import { request } from '../api';
import type { EmbedJob } from './in-tab-embed.js';

export type { EmbedJob };

/** Start embedding image column `column` with the built-in encoder; resolves to the job. */
export async function startEmbed(column: string): Promise<EmbedJob> {
  const response = await request('api/embed', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ column, encoder: 'mobilenet-v2' }),
  });
  return response.json();
}

/** The job that makes column `output`, as it is now. */
export async function embedJob(output: string): Promise<EmbedJob> {
  return (await request(`api/embed/${encodeURIComponent(output)}`)).json();
}

export async function cancelEmbed(output: string): Promise<void> {
  await request(`api/embed/${encodeURIComponent(output)}`, { method: 'DELETE' });
}
