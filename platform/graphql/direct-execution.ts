import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { GraphQLRequestParts } from '../http/graphql-over-http.ts';
import type { OperationObserver } from '../observability/observability.ts';
import { compiledOperations } from './compiled-operations.ts';

/**
 * A subgraph's common request, answered without Apollo Server's request
 * pipeline: one JSON POST from a router (no `accept` header, or one that
 * takes any JSON; no batch, no extensions) whose document is valid. Profiled under the light page (issue
 * 18), Apollo's per-request work (hashing the text to find its cached
 * document, content negotiation, plugin hooks, building its request context)
 * was about a tenth of the subgraphs' CPU. Here a document is found by its
 * text, executed as Apollo would execute it (by the operation compiled once,
 * compiled-operations.ts, or by graphql-js where it could not be compiled),
 * and its errors formatted the way Apollo formats them (same `formatError`).
 *
 * Whatever this path does not handle goes to Apollo Server unchanged
 * (`undefined`): a GET, a batch, any other `accept` header, `extensions`, a text
 * that does not parse or validate (Apollo then gives its own error codes),
 * introspection (Apollo's setting decides it), a subscription, an unknown
 * operation name, and variables that do not coerce (execute ran no resolver
 * then, so Apollo running it again answers its 400 with nothing done twice).
 */
export type DirectExecution<Context> = (
  parts: GraphQLRequestParts,
  headers: HeaderMap,
  context: () => Promise<Context>,
) => Promise<HTTPGraphQLResponse | undefined>;

export type DirectExecutionOptions = {
  /** The same as Apollo Server's: errors are formatted alike on both paths. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  includeStacktraceInErrorResponses: boolean;
  /** Headers every answer carries (as Apollo's plugins set them). */
  headers: Record<string, string>;
  /** Headers that depend on what the operation did, read once it ran (a write's replication position). */
  answerHeaders?: () => Record<string, string> | undefined;
  /** Watches each operation as Apollo Server's observability plugin does (observability.ts). */
  observe?: () => OperationObserver;
};

/** The most text the document cache keeps, in characters; the least recently used documents go first beyond it. */
export const DIRECT_DOCUMENT_CACHE_CHARACTERS = 4_000_000;
/** A longer text is executed through Apollo Server (whose own cache is bounded by size). */
const MAX_CACHED_TEXT = 100_000;
/** Apollo Server's media type for these `accept` headers (chooseContentTypeForSingleResultResponse); others go to Apollo. */
const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';
/** No header (our router), node-fetch's default (@apollo/gateway's data source), and plain JSON. */
const JSON_ACCEPTED = new Set(['', '*/*', 'application/json']);
const JSON_CONTENT = /^application\/json\s*(;|$)/i;
/** Introspection is left to Apollo Server, whose `introspection` setting adds a validation rule for it. */
const INTROSPECTION = /\b__(schema|type)\b/;

export function directExecution<Context>(schema: GraphQLSchema, options: DirectExecutionOptions): DirectExecution<Context> {
  const documents = validDocuments(schema);
  const compiled = compiledOperations(schema);
  return async (parts, headers, context) => {
    if (parts.method !== 'POST' || !JSON_ACCEPTED.has(headers.get('accept') ?? '')) return undefined;
    if (!JSON_CONTENT.test(headers.get('content-type') ?? '')) return undefined;
    const request = plainRequest(parts.body);
    if (!request) return undefined;
    const document = documents(request.query);
    const operation = document && getOperationAST(document, request.operationName);
    if (!document || !operation || operation.operation === 'subscription') return undefined;
    const observer = options.observe?.();
    const name = operation.name?.value ?? request.operationName ?? null;
    observer?.resolved(operation.operation, name);
    const contextValue = await context();
    const query = compiled(document, operation);
    const result = (await (query
      ? query.query(undefined, contextValue, request.variables ?? {})
      : execute({
          schema,
          document,
          contextValue,
          variableValues: request.variables,
          operationName: request.operationName,
        }))) as ExecutionResult;
    if (!('data' in result)) return undefined; // variables that do not coerce: nothing ran
    const answer = new HeaderMap(Object.entries({ ...options.headers, ...options.answerHeaders?.() }));
    answer.set('content-type', JSON_MEDIA_TYPE);
    let status: number | undefined;
    const errors = result.errors?.map((error) => {
      const { formatted, http } = formatOne(error, options);
      if (http?.status) status = http.status;
      for (const [name, value] of http?.headers ?? []) answer.set(name, value);
      return formatted;
    });
    observer?.answered(operation.operation, name, errors ?? []);
    // Apollo Server's order and trailing newline (runHttpQuery.ts: orderExecutionResultFields, prettyJSONStringify).
    const text = `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
    return { status, headers: answer, body: { kind: 'complete', string: text } };
  };
}

type PlainRequest = { query: string; operationName: string | undefined; variables: Record<string, unknown> | undefined };

/** The body as the fields a plain request has, or null for anything Apollo Server should judge. */
function plainRequest(body: unknown): PlainRequest | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.length > MAX_CACHED_TEXT || extensions !== undefined) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
  return {
    query,
    operationName: operationName ?? undefined,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
  };
}

/**
 * The parsed document of a text that parses and validates, or null. Texts
 * that fail are not kept (Apollo Server answers them); kept ones are
 * bounded by their total length, least recently used dropped first.
 */
function validDocuments(schema: GraphQLSchema): (text: string) => DocumentNode | null {
  const cache = new Map<string, DocumentNode>();
  let characters = 0;
  return (text) => {
    const known = cache.get(text);
    if (known) {
      cache.delete(text);
      cache.set(text, known);
      return known;
    }
    if (INTROSPECTION.test(text)) return null;
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch {
      return null;
    }
    if (validate(schema, document, specifiedRules).length > 0) return null;
    cache.set(text, document);
    characters += text.length;
    for (const oldest of cache.keys()) {
      if (characters <= DIRECT_DOCUMENT_CACHE_CHARACTERS) break;
      cache.delete(oldest);
      characters -= oldest.length;
    }
    return document;
  };
}

type HttpHead = { status?: number; headers?: Map<string, string> };

/** One error as Apollo Server formats it (errorNormalize.ts: enrichError, then formatError). */
function formatOne(error: GraphQLError, options: DirectExecutionOptions): { formatted: GraphQLFormattedError; http?: HttpHead } {
  // graphql-jit's errors leave `extensions` undefined when the error had none.
  const { http, ...rest } = (error.extensions ?? {}) as Record<string, unknown>;
  const head = isHttpHead(http) ? http : undefined;
  const extensions: Record<string, unknown> = head || http === undefined ? rest : { ...error.extensions };
  extensions.code ??= 'INTERNAL_SERVER_ERROR';
  if (options.includeStacktraceInErrorResponses) extensions.stacktrace = error.stack?.split('\n');
  const enriched = { ...error.toJSON(), extensions };
  try {
    return { formatted: options.formatError(enriched, error), http: head };
  } catch (formatting) {
    const internal = { code: 'INTERNAL_SERVER_ERROR' };
    if (!options.includeStacktraceInErrorResponses)
      return { formatted: { message: 'Internal server error', extensions: internal }, http: head };
    const failure = formatting instanceof Error ? formatting : new Error(String(formatting));
    return { formatted: { message: failure.message, extensions: { ...internal, stacktrace: failure.stack?.split('\n') } }, http: head };
  }
}

function isHttpHead(value: unknown): value is HttpHead {
  if (typeof value !== 'object' || value === null) return false;
  const head = value as HttpHead;
  return (head.status === undefined || typeof head.status === 'number') && (head.headers === undefined || head.headers instanceof Map);
}
