import { createHash } from 'node:crypto';
import { type GraphQLSchema, Kind, parse, validate } from 'graphql';
import { quoted } from './excerpt.ts';

/**
 * Trusted documents (docs/architecture.md §11): the operations a client
 * publishes, as a manifest from document id to document, the format GraphQL
 * Code Generator's persisted-documents output and Apollo's persisted query
 * manifests use: `{ "sha256:<hex>": "query ... { ... }" }`. A document's id is
 * the SHA-256 of its exact text. This module checks manifests; the members
 * subgraph stores them, the router enforces them, `npm run documents` and
 * `npm run compose` use the same checks.
 */

/** `sha256:` and 64 lowercase hex digits: the only id form accepted, so an id is at most 71 characters. */
export const DOCUMENT_ID = /^sha256:[0-9a-f]{64}$/;
export const DOCUMENT_ID_MAX_LENGTH = 71;
/** A client's name: what API keys are bound to and what problems name. */
export const CLIENT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** A manifest's version as its client names it (a build number, a git sha, a semver). */
export const CLIENT_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/** Bounds on one manifest: a client with more operations splits them; a document this long is not a client's. */
export const MAX_DOCUMENTS_PER_MANIFEST = 2000;
export const MAX_DOCUMENT_CHARACTERS = 20_000;

export type Manifest = Readonly<Record<string, string>>;

/** One reason a manifest is refused: which document (and operation, when it has a name) and why. */
export type ManifestProblem = { documentId: string | null; operation: string | null; message: string };

export const documentIdOf = (document: string): string => `sha256:${createHash('sha256').update(document).digest('hex')}`;

/** The hex part of an id, as Apollo's `persistedQuery.sha256Hash` carries it. */
export const hashOfDocumentId = (id: string): string => id.slice('sha256:'.length);

/**
 * The manifest as a map, or every reason it is not one: it must be a JSON
 * object of at most MAX_DOCUMENTS_PER_MANIFEST entries, each id well formed
 * and the SHA-256 of its document, each document a non-empty string of at
 * most MAX_DOCUMENT_CHARACTERS. Nothing here looks at a schema.
 */
export function readManifest(value: unknown): { manifest: Manifest; problems: [] } | { manifest: null; problems: ManifestProblem[] } {
  const problem = (message: string, documentId: string | null = null): ManifestProblem => ({ documentId, operation: null, message });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { manifest: null, problems: [problem('a manifest is a JSON object from "sha256:<hex>" document ids to documents')] };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return { manifest: null, problems: [problem('the manifest holds no documents')] };
  if (entries.length > MAX_DOCUMENTS_PER_MANIFEST) {
    return {
      manifest: null,
      problems: [problem(`a manifest holds at most ${MAX_DOCUMENTS_PER_MANIFEST} documents; received ${entries.length}`)],
    };
  }
  const problems: ManifestProblem[] = [];
  for (const [id, document] of entries) {
    const shownId = id.length <= DOCUMENT_ID_MAX_LENGTH ? id : quoted(id);
    if (!DOCUMENT_ID.test(id)) {
      problems.push(problem(`a document id is "sha256:" and 64 lowercase hex digits; received ${quoted(id)}`, shownId));
    } else if (typeof document !== 'string' || document.trim() === '') {
      problems.push(problem('a document is a non-empty string of GraphQL', id));
    } else if (document.length > MAX_DOCUMENT_CHARACTERS) {
      problems.push(problem(`a document has at most ${MAX_DOCUMENT_CHARACTERS} characters; received ${document.length}`, id));
    } else if (documentIdOf(document) !== id) {
      problems.push(problem(`the id is not the SHA-256 of its document, which is ${documentIdOf(document)}`, id));
    }
  }
  return problems.length > 0 ? { manifest: null, problems } : { manifest: value as Manifest, problems: [] };
}

/**
 * Every document of the manifest that does not parse or validate against
 * `schema` (the public API schema), with the names of its operations, so a
 * refusal or a failed `npm run compose` says which operation of which client
 * would break. A document must hold exactly one operation, named or not:
 * the id then names one operation.
 */
export function validateManifest(manifest: Manifest, schema: GraphQLSchema): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const [id, text] of Object.entries(manifest)) {
    let document: ReturnType<typeof parse>;
    try {
      document = parse(text);
    } catch (error) {
      problems.push({ documentId: id, operation: null, message: `does not parse: ${(error as Error).message}` });
      continue;
    }
    const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const operation = operations.map((definition) => definition.name?.value ?? '(anonymous)').join(', ') || null;
    if (operations.length !== 1) {
      problems.push({ documentId: id, operation, message: `holds ${operations.length} operations; a trusted document holds exactly one` });
      continue;
    }
    for (const error of validate(schema, document)) problems.push({ documentId: id, operation, message: error.message });
  }
  return problems;
}

/** One line per problem, for a command's output or an error message. */
export const describeProblem = (problem: ManifestProblem, client?: string): string =>
  [client && `client ${client}`, problem.operation && `operation ${problem.operation}`, problem.documentId]
    .filter(Boolean)
    .join(', ')
    .concat(`: ${problem.message}`);
