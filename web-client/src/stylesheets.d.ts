// A stylesheet imported for its side effect (main.tsx): esbuild bundles it into dist/main.css; it exports nothing.
declare module '*.css';
