import './i18n.ts';
// The client's one stylesheet: esbuild emits it beside the bundle as dist/main.css (a file, so the CSP needs no inline styles).
import './app.css';
import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter } from 'react-router';
import { App } from './App.tsx';
import { client } from './apollo.ts';

// Hash routes: the router serves one page and never sees the route.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <HashRouter>
        <App />
      </HashRouter>
    </ApolloProvider>
  </StrictMode>,
);
