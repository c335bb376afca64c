// One graph for everything: queries and mutations over HTTP (sent as published document ids), subscriptions over
// graphql-ws, both on /graphql, behind one Apollo Client whose normalized cache the pages share.
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { getMainDefinition, print } from '@apollo/client/utilities';
import { type Client, createClient } from 'graphql-ws';
import { Observable } from 'rxjs';
import persistedDocuments from './gql/persisted-documents.json' with { type: 'json' };
import { documentIdOf, PersistedDocumentLink } from './persisted-document-link.ts';
import { onSessionChange, token } from './session.ts';

export type SocketStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

const statusListeners = new Set<(status: SocketStatus) => void>();
let status: SocketStatus = 'idle';

function setStatus(next: SocketStatus): void {
  status = next;
  for (const listener of statusListeners) listener(next);
}

/** The pages show the socket's status so a user knows whether the numbers are current. */
export function onSocketStatus(listener: (status: SocketStatus) => void): () => void {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}

function authorization(): Record<string, string> {
  const value = token();
  return value ? { authorization: `Bearer ${value}` } : {};
}

function createSocket(): Client {
  return createClient({
    url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`,
    // The credential travels in connection_init, read afresh on every (re)connect.
    connectionParams: () => authorization(),
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    // 4401: the credential was refused; retrying with the same one cannot help. Anything else is retried.
    shouldRetry: (event) => !(event && typeof event === 'object' && 'code' in event && event.code === 4401),
    on: {
      connecting: () => setStatus(status === 'idle' ? 'connecting' : 'reconnecting'),
      connected: () => setStatus('live'),
      // 1000: closed on purpose (no subscription left, or signed out); anything else is retried.
      closed: (event) => setStatus((event as { code?: number } | undefined)?.code === 1000 ? 'idle' : 'reconnecting'),
    },
  });
}

let socket: Client | null = null;

// A different user needs a different connection: close it so subscriptions reopen with the new token.
onSessionChange(() => {
  const old = socket;
  socket = null;
  setStatus('idle');
  old?.dispose();
});

/**
 * A terminating link for subscriptions over graphql-ws that resumes. Each event's id (extensions.eventId) is written into this subscription's own payload
 * as extensions.lastEventId: graphql-ws sends this same payload object again when it reconnects
 * after a dropped socket, so the router replays exactly the events missed meanwhile. An
 * operation may start from a known id by carrying `extensions: { lastEventId }`.
 * (Apollo's GraphQLWsLink copies the payload afresh, so it cannot carry the id forward.)
 */
export class ResumableWsLink extends ApolloLink {
  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    return new Observable<ApolloLink.Result>((observer) => {
      socket ??= createSocket();
      const extensions: Record<string, unknown> = { ...operation.extensions };
      const payload = {
        query: publishedText(operation),
        variables: operation.variables,
        operationName: operation.operationName,
        extensions,
      };
      return socket.subscribe(payload, {
        next: (result) => {
          const eventId = (result.extensions as { eventId?: unknown } | undefined)?.eventId;
          if (typeof eventId === 'string') extensions.lastEventId = eventId;
          observer.next(result as ApolloLink.Result);
        },
        error: (error) => observer.error(error instanceof Error ? error : new Error(describeSocketError(error))),
        complete: () => observer.complete(),
      });
    });
  }
}

/**
 * The text to subscribe with: graphql-ws needs a query in every subscribe message, and the router's gate accepts
 * a text only when it is exactly one web.json publishes, so a `graphql()` subscription sends codegen's own text
 * for its id (Apollo's print differs in spacing and order). Anything else is printed, as before.
 */
function publishedText(operation: ApolloLink.Operation): string {
  const id = documentIdOf(operation.query);
  const published = id ? (persistedDocuments as Record<string, string>)[id] : undefined;
  return published ?? print(operation.query);
}

function describeSocketError(error: unknown): string {
  if (Array.isArray(error)) return (error[0] as { message?: string } | undefined)?.message ?? 'the subscription was refused';
  const reason = (error as { reason?: string } | null)?.reason;
  return reason || 'the live connection failed';
}

const isSubscription = ({ query }: ApolloLink.Operation): boolean => {
  const definition = getMainDefinition(query);
  return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
};

const withToken = new SetContextLink((prevContext) => ({ headers: { ...prevContext.headers, ...authorization() } }));

export const client = new ApolloClient({
  link: ApolloLink.split(isSubscription, new ResumableWsLink(), ApolloLink.from([withToken, new PersistedDocumentLink('/graphql')])),
  cache: new InMemoryCache(),
});
