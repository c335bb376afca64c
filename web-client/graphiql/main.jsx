// GraphiQL for this router, bundled by build.ts (esbuild) so the page needs no CDN.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';

// Monaco runs its language services in workers; build.ts bundles each one next to this file.
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const name = label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor';
    return new Worker(new URL(`./${name}.worker.js`, import.meta.url));
  },
};

// No stored token is read here: the web client keeps its token in memory only. A caller pastes
// {"authorization": "Bearer <token>"} into the Headers tab, which GraphiQL sends on HTTP and in the
// socket's connection_init, and does not persist (shouldPersistHeaders stays false).
const socketUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;

const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: socketUrl,
});

const defaultQuery = `# Public operations are in the contract; try one:
query ProductSearch($search: String) {
  products(filter: { search: $search }, first: 5) {
    totalCount
    edges { node { name brand { name } skus { code price { amount currencyCode } stock { available } } } }
  }
}
`;

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} initialVariables='{ "search": "brake pad" }' shouldPersistHeaders={false} />,
);
