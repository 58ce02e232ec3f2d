/**
 * Whether this page runs in-tab (no server): the static export (`tessera app --export DIR`) marks
 * its index.html with `<meta name="tessera-backend" content="in-tab">`; `?in-tab` in the page URL
 * selects it on a served page too.
 */
export const IN_TAB_META = 'tessera-backend';

// Outside a page (the UI's unit tests import api.ts in Node) there is no document: not in-tab.
export const IN_TAB =
  typeof document !== 'undefined' &&
  (document.querySelector(`meta[name="${IN_TAB_META}"]`)?.getAttribute('content') === 'in-tab' ||
    new URLSearchParams(window.location.search).has('in-tab'));
