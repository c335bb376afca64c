import { GraphQLError } from 'graphql';
import { hasScope, type Identity } from '../../platform/auth/identity.ts';
import { quoted } from '../../platform/graphql/excerpt.ts';
import { DOCUMENT_ID, DOCUMENT_ID_MAX_LENGTH, documentIdOf } from '../../platform/graphql/trusted-documents.ts';
import { type GraphQLRequestParts, RequestError } from '../../platform/http/graphql-over-http.ts';
import type { Logger } from '../../platform/observability/log.ts';
import { BoundedMap } from '../../platform/runtime/bounded-map.ts';
import type { TrustedDocumentsMode } from './config.ts';
import type { TrustedDocument, TrustedDocumentLookup } from './lookup.ts';

/** The scope that lets a caller run operations no client published, whatever TRUSTED_DOCUMENTS says (staff admins hold it). */
export const ARBITRARY_OPERATIONS_SCOPE = 'documents:arbitrary';

export type TrustedDocumentGateOptions = {
  mode: TrustedDocumentsMode;
  lookup: TrustedDocumentLookup;
  log: Logger;
  /** Called for each operation no client published that a caller sent: `logged` ran (mode `log`), `refused` did not. */
  onUnregistered?: (outcome: 'logged' | 'refused') => void;
};

type Entry = Record<string, unknown>;
type Outcome = Entry | RequestError;

const APQ_HASH = /^[0-9a-f]{64}$/;
/** The callers `enforce` holds to published documents (besides bound keys, held always). */
const ENFORCED_KINDS: ReadonlySet<Identity['kind']> = new Set(['anonymous', 'member', 'staff']);

/** Unregistered documents logged once each per router; past this many the memory starts over. */
const MAX_LOGGED_DOCUMENTS = 10_000;

/**
 * Trusted documents at the router (docs/architecture.md §11), applied to every
 * GraphQL request over HTTP after the caller is known and before Apollo
 * Server parses anything:
 * - `{"documentId": "sha256:<hex>", "variables": ...}` (the GraphQL over HTTP
 *   persisted documents convention; `?documentId=` on a GET) runs the published
 *   document with that id, for any caller and in any mode;
 * - Apollo's `extensions.persistedQuery.sha256Hash` alone runs the published
 *   document with that hash when there is one;
 * - a query sent as text counts as published when its exact text is.
 * With TRUSTED_DOCUMENTS=enforce an anonymous caller, member or staff user
 * without `documents:arbitrary` may run only published documents (PERSISTED_DOCUMENT_REQUIRED otherwise): the check
 * is on the text that will run, so Apollo's APQ, where anyone may register
 * any query, cannot go around it. An API key bound to a client runs only that
 * client's documents, whatever the mode.
 */
export function trustedDocumentGate(options: TrustedDocumentGateOptions) {
  const logged = new BoundedMap<string, true>(MAX_LOGGED_DOCUMENTS);

  const lookUp = async (id: string): Promise<TrustedDocument | null | RequestError> => {
    try {
      return await options.lookup(id);
    } catch {
      return new RequestError(503, 'trusted documents cannot be looked up right now; retry shortly', 'SERVICE_UNAVAILABLE');
    }
  };

  /**
   * Whether this caller's operations must be published ones: a bound key
   * always; under `enforce`, anonymous callers, members and staff unless they
   * hold the scope. An unbound partner key is held to its scopes, cost and
   * rate limits instead (a partner that wants its key safelisted binds it).
   */
  const mustBeTrusted = (identity: Identity) =>
    identity.documentsClient !== undefined ||
    (options.mode === 'enforce' && ENFORCED_KINDS.has(identity.kind) && !hasScope(identity, ARBITRARY_OPERATIONS_SCOPE));
  /** Whether a document is looked up at all for a text query: not when nothing would come of it. */
  const checks = (identity: Identity) =>
    mustBeTrusted(identity) || (options.mode === 'log' && !hasScope(identity, ARBITRARY_OPERATIONS_SCOPE));
  const mayRun = (identity: Identity, found: TrustedDocument | null) =>
    found !== null && (identity.documentsClient === undefined || found.clients.includes(identity.documentsClient));

  const unpublished = (identity: Identity, id: string): RequestError | null => {
    if (mustBeTrusted(identity)) {
      options.onUnregistered?.('refused');
      const rule = identity.documentsClient
        ? `this API key runs only the trusted documents of client ${identity.documentsClient}`
        : 'this router runs only trusted documents, operations a client published';
      return new RequestError(
        400,
        `${rule}; ${id} is not one of them: send a published operation by its documentId`,
        'PERSISTED_DOCUMENT_REQUIRED',
      );
    }
    options.onUnregistered?.('logged');
    if (!logged.has(id)) {
      logged.set(id, true);
      options.log.warn(`an operation no client published ran (${id}); TRUSTED_DOCUMENTS=enforce would refuse it`);
    }
    return null;
  };

  const byDocumentId = async (identity: Identity, entry: Entry): Promise<Outcome> => {
    const { documentId, ...rest } = entry;
    if (typeof documentId !== 'string' || documentId.length > DOCUMENT_ID_MAX_LENGTH || !DOCUMENT_ID.test(documentId)) {
      return new RequestError(
        400,
        `documentId must be "sha256:" and 64 lowercase hex digits; received ${quoted(documentId)}`,
        'INVALID_DOCUMENT_ID',
      );
    }
    if (rest.query !== undefined && rest.query !== null) {
      return new RequestError(400, 'send either a documentId or a query, not both', 'BAD_REQUEST');
    }
    const found = await lookUp(documentId);
    if (found instanceof RequestError) return found;
    if (!mayRun(identity, found)) {
      const who = identity.documentsClient ? `client ${identity.documentsClient}` : 'any client';
      return new RequestError(400, `no document ${documentId} was published by ${who}`, 'PERSISTED_DOCUMENT_NOT_FOUND');
    }
    return { ...rest, query: found!.document };
  };

  const byApqHash = async (identity: Identity, entry: Entry, hash: unknown): Promise<Outcome> => {
    if (typeof hash !== 'string' || !APQ_HASH.test(hash)) {
      return new RequestError(
        400,
        `persistedQuery.sha256Hash must be 64 lowercase hex digits; received ${quoted(hash)}`,
        'INVALID_DOCUMENT_ID',
      );
    }
    const id = `sha256:${hash}`;
    const found = await lookUp(id);
    if (found instanceof RequestError) return mustBeTrusted(identity) ? found : entry;
    if (mayRun(identity, found)) return { ...entry, query: found!.document };
    return unpublished(identity, id) ?? entry;
  };

  const byText = async (identity: Identity, entry: Entry, query: string): Promise<Outcome> => {
    const id = documentIdOf(query);
    const found = await lookUp(id);
    // In `log` mode a lookup that fails lets the operation through uncounted: logging must never cost a caller an answer.
    if (found instanceof RequestError) return mustBeTrusted(identity) ? found : entry;
    if (mayRun(identity, found)) return entry;
    return unpublished(identity, id) ?? entry;
  };

  const resolve = async (identity: Identity, entry: Entry): Promise<Outcome> => {
    if (entry.documentId !== undefined) return byDocumentId(identity, entry);
    if (!checks(identity)) return entry;
    if (typeof entry.query === 'string' && entry.query !== '') return byText(identity, entry, entry.query);
    const persisted = (entry.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
    if (persisted && typeof persisted === 'object') return byApqHash(identity, entry, persisted.sha256Hash);
    // Nothing to run: Apollo Server refuses it with its own message.
    return entry;
  };

  const resolveGet = async (identity: Identity, parts: GraphQLRequestParts): Promise<GraphQLRequestParts | RequestError> => {
    const params = new URLSearchParams(parts.search);
    const entry: Entry = {};
    if (params.has('documentId')) entry.documentId = params.get('documentId');
    if (params.has('query')) entry.query = params.get('query');
    const extensions = params.get('extensions');
    if (extensions) {
      try {
        entry.extensions = JSON.parse(extensions);
      } catch {
        // Apollo Server refuses extensions that are not JSON; nothing here depends on them then.
      }
    }
    const outcome = await resolve(identity, entry);
    if (outcome instanceof RequestError) return outcome;
    if (outcome === entry) return parts;
    params.delete('documentId');
    params.set('query', outcome.query as string);
    return { ...parts, search: `?${params}` };
  };

  const gate =
    (identity: Identity) =>
    async (parts: GraphQLRequestParts): Promise<GraphQLRequestParts | RequestError> => {
      if (parts.method === 'GET') return resolveGet(identity, parts);
      const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null && !Array.isArray(value);
      if (Array.isArray(parts.body)) {
        const outcomes: unknown[] = [];
        for (const entry of parts.body) {
          const outcome = isEntry(entry) ? await resolve(identity, entry) : entry;
          if (outcome instanceof RequestError) return outcome;
          outcomes.push(outcome);
        }
        return { ...parts, body: outcomes };
      }
      if (!isEntry(parts.body)) return parts;
      const outcome = await resolve(identity, parts.body);
      return outcome instanceof RequestError ? outcome : { ...parts, body: outcome };
    };
  /**
   * The same check for one subscribe request (graphql-ws, Server-Sent
   * Events, multipart): its text (or APQ hash) must be published under
   * `enforce`, and a bound key's must be its client's. A subscription is
   * refused with the same codes, as an operation error.
   */
  const subscription = async <Request extends Entry>(identity: Identity, request: Request): Promise<Request | GraphQLError> => {
    const outcome = await resolve(identity, request);
    if (outcome instanceof RequestError) return new GraphQLError(outcome.message, { extensions: { code: outcome.code } });
    return outcome as Request;
  };
  return Object.assign(gate, { subscription });
}
