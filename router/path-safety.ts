/**
 * Whether a request path tries to climb out of the route it names: `..` or
 * `.` segments, backslashes, NUL, or a separator hidden in a percent-encoding
 * (decoded up to three times, so `%252e%252e%252f` counts too). The router
 * forwards some prefixes (`/callbacks/`, `/invoices/`, `/images/`) to subgraphs, and a
 * subgraph resolving `/callbacks/../metrics` would answer with a route that
 * was never meant to be public; such a path is refused before any routing,
 * rather than normalized, since no client of ours sends one.
 */
export function isUnsafePath(rawUrl: string): boolean {
  let decoded = rawUrl.split('?')[0] ?? '';
  for (let round = 0; round <= 3; round += 1) {
    if (/%2f|%5c|%00/i.test(decoded) || decoded.includes('\\') || decoded.includes('\0') || /(^|\/)\.{1,2}(\/|$)/.test(decoded)) {
      return true;
    }
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return true; // a malformed escape is not a path any route serves
    }
    if (next === decoded) return false;
    decoded = next;
  }
  return true; // encoded four times over: no client of ours does that
}
