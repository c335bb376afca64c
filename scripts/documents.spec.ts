import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema } from 'graphql';
import { documentIdOf } from '../platform/graphql/trusted-documents.ts';
import {
  CommandRefusal,
  checkCommittedManifests,
  committedManifests,
  loadApiSchema,
  MANIFESTS_DIR,
  manifestText,
  runDocumentsCommand,
  webClientManifest,
} from './documents-command.ts';

/**
 * The guard `npm run compose` and CI put on published documents: every
 * manifest recorded in schema/trusted-documents/ must validate against the
 * API schema, and a schema that would break one is named by client and
 * operation. (Publishing through the router is in test/trusted-documents.spec.ts.)
 */
describe('npm run documents', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'documents-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every committed manifest valid against the committed API schema, the web client’s among them', () => {
    expect(committedManifests().map((manifest) => manifest.client)).toContain('web');
    expect(checkCommittedManifests(loadApiSchema())).toEqual([]);
  });

  it('has the web client’s manifest current with its operations (run npm run documents -- web when this fails)', async () => {
    const manifest = webClientManifest();
    expect(Object.keys(manifest).length).toBeGreaterThan(10);
    expect(readFileSync(join(MANIFESTS_DIR, 'web.json'), 'utf8')).toBe(manifestText(manifest));
  });

  it('names the client and operation a schema change would break', async () => {
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests);
    const document = 'query PartnerSkus { product(id: "1") { name sku } }';
    writeFileSync(join(manifests, 'parts-partner.json'), JSON.stringify({ [documentIdOf(document)]: document }));
    const withoutSku = buildSchema('type Query { product(id: ID!): Product } type Product { name: String! }');
    expect(checkCommittedManifests(withoutSku, manifests)).toEqual([
      `client parts-partner, operation PartnerSkus, ${documentIdOf(document)}: Cannot query field "sku" on type "Product".`,
    ]);
    const check = runDocumentsCommand(['check'], { manifestsDir: manifests, apiSchema: withoutSku, print: () => {} });
    await expect(check).rejects.toThrow(CommandRefusal);
    await expect(check).rejects.toThrow(/client parts-partner, operation PartnerSkus/);
  });

  it('refuses to publish a manifest that does not validate, without calling any router, and bad arguments', async () => {
    const file = join(dir, 'manifest.json');
    writeFileSync(file, JSON.stringify({ [documentIdOf('{ nope }')]: '{ nope }' }));
    const args = ['publish', '--client', 'web', '--version', '1', '--url', 'http://127.0.0.1:1/graphql', file];
    await expect(runDocumentsCommand(args, { manifestsDir: join(dir, 'recorded') })).rejects.toThrow(/nothing published.*\n.*client web/);
    await expect(runDocumentsCommand(['publish', '--client', 'Web!', '--version', '1', file])).rejects.toThrow(/--client must be/);
    await expect(runDocumentsCommand(['publish', '--client', 'web', '--version', '1'])).rejects.toThrow(/name one manifest file/);
    await expect(runDocumentsCommand(['withdraw'])).rejects.toThrow(/usage/);
  });
});
