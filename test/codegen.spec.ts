import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { documentIdOf } from '../platform/graphql/trusted-documents.ts';
import { MANIFESTS_DIR, manifestText, webClientManifest } from '../scripts/documents-command.ts';

const ROOT = join(import.meta.dirname, '..');
const GENERATED_DIR = join(ROOT, 'web-client', 'src', 'gql');

/**
 * The React web client's typed operations (web-client/src/gql/, issue 22) and the web client's trusted documents
 * (schema/trusted-documents/web.json) are generated and committed; this runs GraphQL Code Generator afresh into a
 * temporary directory and fails, naming the stale files, when the committed ones differ from what the current
 * schema and `graphql()` calls give. A stale type is a failed `npm test`.
 */
const FIX = 'run `npm run codegen` (it also rewrites schema/trusted-documents/web.json) and commit the result';

describe('codegen for the React web client', () => {
  let dir: string;
  let fresh: Map<string, string>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'codegen-'));
    // In its own process: the codegen CLI is ESM that Jest's CommonJS module registry does not load.
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'codegen.ts'), '--out', dir], { stdio: 'inherit' });
    fresh = new Map(readdirSync(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has web-client/src/gql/ current with schema/api.graphql and every graphql() operation', () => {
    expect([...fresh.keys()].sort()).toEqual(['gql.ts', 'graphql.ts', 'index.ts', 'persisted-documents.json']);
    const committed = readdirSync(GENERATED_DIR).sort();
    const stale = [...new Set([...fresh.keys(), ...committed])]
      .filter((file) => !committed.includes(file) || fresh.get(file) !== readFileSync(join(GENERATED_DIR, file), 'utf8'))
      .map((file) => relative(ROOT, join(GENERATED_DIR, file)));
    if (stale.length > 0) throw new Error(`stale generated files: ${stale.join(', ')}; ${FIX}`);
  });

  it('publishes exactly the web client’s operations in web.json, each under the sha256 id of the text it sends', () => {
    const persisted = JSON.parse(fresh.get('persisted-documents.json') || '{}') as Record<string, string>;
    expect(Object.keys(persisted).length).toBeGreaterThan(0);
    for (const [id, document] of Object.entries(persisted)) expect(documentIdOf(document)).toBe(id);
    const webJson = readFileSync(join(MANIFESTS_DIR, 'web.json'), 'utf8');
    if (webJson !== manifestText(webClientManifest(persisted))) {
      throw new Error(`schema/trusted-documents/web.json is stale: ${FIX}`);
    }
    // Nothing more: an operation the client does not send would only widen what TRUSTED_DOCUMENTS=enforce lets through.
    expect(Object.keys(JSON.parse(webJson) as Record<string, string>).sort()).toEqual(Object.keys(persisted).sort());
  });
});
