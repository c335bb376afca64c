// Queries and mutations go to the router as `{ documentId, operationName, variables }`, the GraphQL over HTTP
// persisted documents convention (docs/architecture.md §11): never as text. Codegen's client preset gives every
// `graphql()` document its sha256 id (`__meta__.hash`), the id under which schema/trusted-documents/web.json
// publishes the very text it hashed; Apollo's own printing of the query would differ from that text (spacing,
// order), so sending the text would be refused under TRUSTED_DOCUMENTS=enforce.
import { ApolloLink } from '@apollo/client';
import type { DocumentNode } from 'graphql';
import { Observable } from 'rxjs';

/** The persisted document id codegen gave this document, or null for one not written with `graphql()` from src/gql. */
export function documentIdOf(query: DocumentNode): string | null {
  const hash = (query as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  return typeof hash === 'string' ? hash : null;
}

export class PersistedDocumentLink extends ApolloLink {
  readonly #uri: string;

  constructor(uri: string) {
    super();
    this.#uri = uri;
  }

  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    return new Observable<ApolloLink.Result>((observer) => {
      const documentId = documentIdOf(operation.query);
      if (!documentId) {
        observer.error(new Error(`${operation.operationName ?? 'an operation'} has no document id: write it with graphql() from src/gql`));
        return;
      }
      const controller = new AbortController();
      const { headers } = operation.getContext() as { headers?: Record<string, string> };
      fetch(this.#uri, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ documentId, operationName: operation.operationName, variables: operation.variables }),
        signal: controller.signal,
      })
        .then(async (response) => {
          const body = (await response.json().catch(() => null)) as ApolloLink.Result | null;
          // A GraphQL answer (data, errors or both) is passed on whatever the status: Apollo reports its errors.
          if (!body || typeof body !== 'object' || !('data' in body || 'errors' in body)) {
            throw new Error(`the graph answered HTTP ${response.status} without a GraphQL result`);
          }
          observer.next(body);
          observer.complete();
        })
        .catch((error: unknown) => {
          if (!controller.signal.aborted) observer.error(error instanceof Error ? error : new Error(String(error)));
        });
      return () => controller.abort();
    });
  }
}
