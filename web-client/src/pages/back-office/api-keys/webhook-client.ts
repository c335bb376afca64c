import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { PersistedDocumentLink } from '../../../persisted-document-link.ts';

/**
 * Webhooks are a partner key's own (the graph answers `webhooks` for the key calling), so staff manage a key's webhooks
 * by calling as that key: its secret in x-api-key and no staff token, since the router refuses a request carrying both.
 * A client of its own keeps the key's answers out of the staff session's cache.
 */
export function clientForKey(secret: string): ApolloClient {
  return new ApolloClient({
    link: ApolloLink.from([new SetContextLink(() => ({ headers: { 'x-api-key': secret } })), new PersistedDocumentLink('/graphql')]),
    cache: new InMemoryCache(),
  });
}
