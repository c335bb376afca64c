import type { ServiceClient } from '../../platform/http/service-client.ts';
import { BoundedMap } from '../../platform/runtime/bounded-map.ts';

/** A published document: its text and every client that published it. */
export type TrustedDocument = { document: string; clients: readonly string[] };
/** The document with this id (`sha256:<hex>`), or null when no client published it. */
export type TrustedDocumentLookup = (id: string) => Promise<TrustedDocument | null>;

export function membersTrustedDocumentLookup(services: ServiceClient): TrustedDocumentLookup {
  return async (id) => {
    const answer = await services.query<{ trustedDocument: TrustedDocument | null }>(
      'members',
      'query RouterTrustedDocument($id: String!) { trustedDocument(id: $id) { document clients } }',
      { id },
    );
    return answer.trustedDocument;
  };
}

/** Bounds the cache: ids made up by the million must not grow memory without end. */
const MAX_ENTRIES = 10_000;

/**
 * Remembers each id's answer (also "not published") for `ttlMs`: a client's
 * requests cost members one lookup per document every few seconds, not one
 * each. Concurrent requests for one id share one lookup; a failed lookup
 * (members down) is not remembered. Documents never change once published,
 * so the only staleness is a newly published document, or a client newly
 * publishing a known one, being unknown for up to `ttlMs`.
 */
export function cachedTrustedDocumentLookup(
  lookup: TrustedDocumentLookup,
  ttlMs: number,
  now: () => number = Date.now,
): TrustedDocumentLookup {
  const entries = new BoundedMap<string, { expires: number; answer: Promise<TrustedDocument | null> }>(MAX_ENTRIES);
  return (id) => {
    const cached = entries.get(id);
    if (cached && cached.expires > now()) return cached.answer;
    const answer = lookup(id);
    entries.set(id, { expires: now() + ttlMs, answer });
    answer.catch(() => {
      if (entries.get(id)?.answer === answer) entries.delete(id);
    });
    return answer;
  };
}
