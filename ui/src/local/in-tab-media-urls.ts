/**
 * Media URLs in the in-tab mode. The page names media by the server's URLs (api.ts `thumbnailUrl`,
 * `mediaUrl`) in `<img src>`, `<video poster>`, `<audio src>` and links, which the browser would ask
 * the static host for. Here a MutationObserver takes such a URL off the element at once (so no
 * request leaves the tab), asks the in-tab worker for it (in-tab-media.ts), and sets a blob URL of
 * the reply instead; blob URLs let <audio> and <video> seek too. A URL the worker refuses goes back
 * on the element, so it fails with an error event as it would against the server (and cells that
 * explain failures ask the worker for the message). Blob URLs are shared per API URL and bounded.
 * Images and media elements are also caught as the URL is set (interceptMediaAttributes): an element
 * given its URL before it is in the page would otherwise ask the static host before the observer sees it.
 */
import { inTabFetch } from './in-tab-client.js';

const API_MEDIA = /^api\/(media|thumbnails)\//;
/** The attributes that load media (`href` only on links: it loads nothing until followed). */
const LOADING = ['src', 'poster'] as const;
/** Blob URLs kept: at most this many bytes of replies (the oldest not shown are revoked past it). */
const MAX_BYTES = 96 * 2 ** 20;

interface Made {
  url: string;
  bytes: number;
}

/** API URL → its blob URL, oldest first. */
const made = new Map<string, Made>();
const pending = new Map<string, Promise<Made>>();
let keptBytes = 0;
/** Bumped per opened file: replies asked for before it are not kept. */
let generation = 0;
/** Elements whose URL the worker refused, with that URL: left to fail as they would on a server. */
const refused = new WeakMap<Element, string>();

function blobOf(apiUrl: string): Promise<Made> {
  const done = made.get(apiUrl);
  if (done !== undefined) {
    made.delete(apiUrl);
    made.set(apiUrl, done);
    return Promise.resolve(done);
  }
  let p = pending.get(apiUrl);
  if (p === undefined) {
    const opened = generation;
    p = (async () => {
      const response = await inTabFetch(apiUrl);
      if (!response.ok) throw new Error(`${response.status}`);
      const blob = await response.blob();
      const entry = { url: URL.createObjectURL(blob), bytes: blob.size };
      // Kept unless another file was opened meanwhile (then only the element that asked uses it).
      if (opened === generation) {
        made.set(apiUrl, entry);
        keptBytes += entry.bytes;
        evict();
      }
      return entry;
    })().finally(() => {
      if (pending.get(apiUrl) === p) pending.delete(apiUrl);
    });
    pending.set(apiUrl, p);
  }
  return p;
}

/**
 * The blob URL of API media URL `apiUrl`, for code that sets a media URL and uses it at once (an
 * `<audio>` played right after its `src` is set) rather than leaving it to the observer.
 */
export async function inTabMediaUrl(apiUrl: string): Promise<string> {
  return (await blobOf(apiUrl)).url;
}

/** Drop every blob URL made (another file or folder was opened: the same API URLs name its cells). */
export function forgetMediaUrls(): void {
  for (const entry of made.values()) URL.revokeObjectURL(entry.url);
  made.clear();
  pending.clear();
  keptBytes = 0;
  generation++;
}

/** Revoke the oldest blob URLs past the bound, except those an element in the page still uses. */
function evict(): void {
  for (const [apiUrl, entry] of made) {
    if (keptBytes <= MAX_BYTES) return;
    if (
      document.querySelector(`[src="${entry.url}"], [poster="${entry.url}"], [href="${entry.url}"]`) !== null
    )
      continue;
    URL.revokeObjectURL(entry.url);
    made.delete(apiUrl);
    keptBytes -= entry.bytes;
  }
}

/** The API URL each element's loading attribute was last given, while its blob URL is on its way. */
const wanted = new WeakMap<Element, Map<string, string>>();
/** The element's own setAttribute (interceptMediaAttributes shadows it on images and media elements). */
const setNative = (element: Element, attribute: string, value: string) =>
  Element.prototype.setAttribute.call(element, attribute, value);

function swap(element: Element, attribute: string, apiUrl = element.getAttribute(attribute)): void {
  if (apiUrl === null || !API_MEDIA.test(apiUrl) || refused.get(element) === apiUrl) return;
  const asked = wanted.get(element) ?? new Map<string, string>();
  wanted.set(element, asked);
  asked.set(attribute, apiUrl);
  // Off the element before the browser fetches it from the static host (links load nothing).
  if (attribute !== 'href') element.removeAttribute(attribute);
  // Unless the element was given another URL meanwhile.
  const current = () => {
    const now = element.getAttribute(attribute);
    return asked.get(attribute) === apiUrl && (now === null || now === apiUrl);
  };
  blobOf(apiUrl).then(
    (entry) => {
      if (current()) setNative(element, attribute, entry.url);
    },
    () => {
      if (!current() || element.getAttribute(attribute) !== null) return;
      refused.set(element, apiUrl);
      setNative(element, attribute, apiUrl);
    },
  );
}

/**
 * The page's images and media elements take API media URLs through setAttribute (Svelte sets
 * attributes so), often before the element is in the page, where the observer cannot see it and
 * the browser would already have asked the static host: here such a URL never reaches the element.
 */
function interceptMediaAttributes(): () => void {
  const prototypes = [HTMLImageElement.prototype, HTMLMediaElement.prototype];
  for (const proto of prototypes)
    proto.setAttribute = function (this: Element, name: string, value: string): void {
      wanted.get(this)?.delete(name); // a newer value replaces one on its way
      if (
        (LOADING as readonly string[]).includes(name) &&
        API_MEDIA.test(value) &&
        refused.get(this) !== value
      )
        swap(this, name, value);
      else setNative(this, name, value);
    };
  return () => {
    for (const proto of prototypes) Reflect.deleteProperty(proto, 'setAttribute');
  };
}

function visit(node: Node): void {
  if (!(node instanceof Element)) return;
  for (const element of [node, ...node.querySelectorAll('[src], [poster], a[href]')]) {
    for (const attribute of LOADING) if (element.hasAttribute(attribute)) swap(element, attribute);
    if (element instanceof HTMLAnchorElement) swap(element, 'href');
  }
}

/** Serve media URLs under `root` from the in-tab worker from now on; returns the function that stops it. */
export function serveMediaInTab(root: Element): () => void {
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.attributeName !== null) swap(r.target as Element, r.attributeName);
      } else r.addedNodes.forEach(visit);
    }
  });
  observer.observe(root, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: [...LOADING, 'href'],
  });
  const stopIntercepting = interceptMediaAttributes();
  visit(root);
  return () => {
    observer.disconnect();
    stopIntercepting();
  };
}
