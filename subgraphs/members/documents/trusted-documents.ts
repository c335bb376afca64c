import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { buildSchema, type GraphQLSchema } from 'graphql';
import type { Database, EntityManager } from '../../../platform/db/database.ts';
import { quoted } from '../../../platform/graphql/excerpt.ts';
import {
  CLIENT_NAME,
  CLIENT_VERSION,
  DOCUMENT_ID,
  describeProblem,
  type ManifestProblem,
  readManifest,
  validateManifest,
} from '../../../platform/graphql/trusted-documents.ts';
import { failed, UserErrors } from '../../../platform/graphql/user-errors.ts';
import { newId } from '../../../platform/values/ids.ts';
import type { MembersContext } from '../context.ts';
import { TrustedDocumentEntity } from '../entities/trusted-document.entity.ts';

/**
 * Trusted documents (docs/architecture.md §11): members stores what clients
 * publish, since it already owns staff and the API keys bound to a client,
 * and routers look documents up here (with a short cache of their own).
 * A manifest is checked against the public API schema of this release,
 * `schema/api.graphql` (the composition of every subgraph's committed SDL, the
 * schema routers serve), before anything is written; one bad document
 * refuses the whole manifest.
 */
export type TrustedDocumentErrorCode = 'INVALID_VALUE' | 'INVALID_DOCUMENT';
export type PublishInput = { client: string; version: string; documents: { id: string; document: string }[] };

const API_SCHEMA_FILE = join(import.meta.dirname, '..', '..', '..', 'schema', 'api.graphql');
let apiSchema: GraphQLSchema | undefined;
export const publicApiSchema = () => {
  apiSchema ??= buildSchema(readFileSync(API_SCHEMA_FILE, 'utf8'));
  return apiSchema;
};

/** Where a problem points: the input's entry of the document it names. */
const fieldOf = (problem: ManifestProblem, input: PublishInput) => {
  const index = input.documents.findIndex((entry) => entry.id === problem.documentId);
  return index >= 0 ? `input.documents[${index}]` : 'input.documents';
};

export async function publishTrustedDocuments(ctx: MembersContext, input: PublishInput) {
  const errors = new UserErrors<TrustedDocumentErrorCode>();
  if (!CLIENT_NAME.test(input.client)) {
    errors.add(
      'INVALID_VALUE',
      'input.client',
      `a client name is 1-64 of a-z 0-9 . _ -, starting with a letter or digit; received ${quoted(input.client)}`,
    );
  }
  if (!CLIENT_VERSION.test(input.version)) {
    errors.add('INVALID_VALUE', 'input.version', `a version is 1-64 of A-Z a-z 0-9 . _ + -; received ${quoted(input.version)}`);
  }
  const ids = new Set<string>();
  input.documents.forEach((entry, i) => {
    if (ids.has(entry.id)) errors.add('INVALID_VALUE', `input.documents[${i}].id`, `the id ${quoted(entry.id)} appears twice`);
    ids.add(entry.id);
  });
  if (errors.any) return { ...failed('published', errors), total: null };
  const read = readManifest(Object.fromEntries(input.documents.map((entry) => [entry.id, entry.document])));
  const problems = read.manifest ? validateManifest(read.manifest, publicApiSchema()) : read.problems;
  for (const problem of problems) errors.add('INVALID_DOCUMENT', fieldOf(problem, input), describeProblem(problem));
  if (errors.any) return { ...failed('published', errors), total: null };

  const stored = await storeDocuments(ctx.db, ctx.em, { ...input, publishedBy: ctx.identity.subject ?? 'unknown' });
  return { ...stored, userErrors: [] };
}

/**
 * Adds the documents the client has not published yet, in one transaction; documents it has are left as they
 * are (the version that first published them stays). Two publishers of the same client racing lose nothing: the
 * loser's transaction fails on the unique (client, document_id) and is run again, finding the winner's rows.
 */
export async function storeDocuments(
  db: Database,
  em: EntityManager,
  input: PublishInput & { publishedBy: string },
): Promise<{ published: number; total: number }> {
  const attempt = () =>
    db.transaction(em.fork(), async (tx) => {
      const known = await tx.find(TrustedDocumentEntity, { client: input.client }, { fields: ['documentId'] });
      const existing = new Set(known.map((row) => row.documentId));
      const fresh = input.documents.filter((entry) => !existing.has(entry.id));
      const publishedAt = new Date();
      for (const entry of fresh) {
        tx.create(TrustedDocumentEntity, {
          id: newId(),
          client: input.client,
          documentId: entry.id,
          version: input.version,
          document: entry.document,
          publishedBy: input.publishedBy,
          publishedAt,
        });
      }
      return { published: fresh.length, total: existing.size + fresh.length };
    });
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    return attempt();
  }
}

export const trustedDocumentsOf = (ctx: MembersContext, client: string) =>
  ctx.em.find(TrustedDocumentEntity, { client }, { orderBy: { publishedAt: 'asc', documentId: 'asc' } });

/** The router's lookup: the document's text and every client that published it, or null (malformed or unknown id). */
export async function lookUpTrustedDocument(ctx: MembersContext, id: string) {
  if (!DOCUMENT_ID.test(id)) return null;
  const rows = await ctx.em.find(TrustedDocumentEntity, { documentId: id }, { orderBy: { client: 'asc' } });
  if (rows.length === 0) return null;
  return { document: rows[0]!.document, clients: rows.map((row) => row.client) };
}
