/**
 * GraphQL Code Generator's client preset for the React web client (`npm run codegen`): typed documents for every
 * `graphql()` call under web-client/src/, written to web-client/src/gql/ (committed, never edited), and a
 * persisted-documents file (sha256 id to document) that `npm run documents -- web` adds to
 * schema/trusted-documents/web.json. The client sends only the id (src/apollo.ts), so the text the router runs is
 * exactly the text published. test/codegen.spec.ts fails when the committed output is stale.
 */
import { join } from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

const ROOT = join(import.meta.dirname, '..');
export const GENERATED_DIR = join(import.meta.dirname, 'src', 'gql');
export const PERSISTED_DOCUMENTS_FILE = join(GENERATED_DIR, 'persisted-documents.json');

/** The configuration, writing into `outputDir` (the spec generates into a temporary directory to compare). */
export function codegenConfig(outputDir = GENERATED_DIR): CodegenConfig {
  return {
    schema: join(ROOT, 'schema', 'api.graphql'),
    documents: [join(import.meta.dirname, 'src', '**', '*.{ts,tsx}'), `!${join(GENERATED_DIR, '**')}`],
    ignoreNoDocuments: true,
    silent: true,
    generates: {
      [`${outputDir}/`]: {
        preset: 'client',
        presetConfig: { persistedDocuments: { hashAlgorithm: 'sha256' }, fragmentMasking: false },
        // Apollo's cache adds __typename to every selection before a request; the published text must have it too.
        documentTransforms: [addTypenameSelectionDocumentTransform],
        config: {
          // What tsconfig.json asks of every file: type-only imports, .ts extensions, no enums (erasable syntax).
          useTypeImports: true,
          importExtension: '.ts',
          enumsAsTypes: true,
          scalars: { Decimal: 'string', DateTime: 'string' },
        },
      },
    },
  };
}

export default codegenConfig();
