/**
 * The server view a table or gallery shows: each new sort or filter asks for a view that replaces
 * the shown one, cancels the request still in flight, and a reply that arrives after a newer
 * request is ignored. With neither sort nor filter there is no view: the frame's own rows show.
 */
import { type Condition, createView, dropView, type SortKey } from './api';

export class ViewRequests {
  private latest = 0;
  private inFlight: AbortController | null = null;

  /**
   * The view of `sort` and `condition` that replaces view `shown` (or, for neither, the frame's
   * `frameRows` with `shown` dropped). Null when a newer call superseded this one; a failure throws.
   */
  async next(
    sort: SortKey[],
    condition: Condition | null,
    shown: string | null,
    frameRows: number,
  ): Promise<{ id: string | null; rows: number } | null> {
    const request = ++this.latest;
    this.inFlight?.abort();
    this.inFlight = null;
    if (sort.length === 0 && condition === null) {
      if (shown !== null) dropView(shown).catch(() => {});
      return { id: null, rows: frameRows };
    }
    const abort = new AbortController();
    this.inFlight = abort;
    try {
      const info = await createView(sort, condition, shown, abort.signal);
      return request === this.latest ? { id: info.id, rows: info.rows } : null;
    } catch (e) {
      if (request !== this.latest) return null; // superseded: its request was cancelled
      throw e;
    }
  }
}
