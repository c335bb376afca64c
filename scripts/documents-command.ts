import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSchema, type GraphQLSchema } from 'graphql';
import {
  CLIENT_NAME,
  CLIENT_VERSION,
  describeProblem,
  type Manifest,
  type ManifestProblem,
  readManifest,
  validateManifest,
} from '../platform/graphql/trusted-documents.ts';

/**
 * `npm run documents -- <command>` (docs/architecture.md §11):
 *   publish --client NAME --version V [--url URL] [--token TOKEN] FILE
 *       checks the manifest FILE against schema/api.graphql, publishes it through the router's
 *       `publishTrustedDocuments` (a staff token with documents:write), and records it in
 *       schema/trusted-documents/NAME.json, which `npm run compose` and CI check every schema change against;
 *   check
 *       checks every manifest in schema/trusted-documents/ against schema/api.graphql;
 *   web
 *       writes the web client's manifest, schema/trusted-documents/web.json, from its persisted documents,
 *       web-client/src/gql/persisted-documents.json (run `npm run codegen` first; it runs this too); members
 *       publishes it at start: subgraphs/members/documents/bundled.ts.
 * Exit codes: 0 done, 1 a manifest does not validate or the router refused it, 2 bad arguments.
 */
export const MANIFESTS_DIR = join(import.meta.dirname, '..', 'schema', 'trusted-documents');
export const API_SCHEMA_FILE = join(import.meta.dirname, '..', 'schema', 'api.graphql');

const USAGE =
  'usage: npm run documents -- publish --client <name> --version <version> [--url <router /graphql>] [--token <staff token>] <manifest.json>\n' +
  '       npm run documents -- check\n' +
  '       npm run documents -- web';

/** The web client's operations as codegen's client preset persisted them (`npm run codegen`, web-client/codegen.ts). */
export const WEB_PERSISTED_DOCUMENTS_FILE = join(import.meta.dirname, '..', 'web-client', 'src', 'gql', 'persisted-documents.json');

/**
 * The web client's manifest, in id order: exactly the persisted documents codegen wrote for it (`persistedDocuments`,
 * by default the committed file), each under the sha256 id of the text it sends, so it runs under
 * TRUSTED_DOCUMENTS=enforce and publishes nothing it does not send.
 */
export function webClientManifest(persistedDocuments = readPersistedDocuments()): Record<string, string> {
  return sortedManifest(persistedDocuments);
}

/** Codegen's persisted documents for the React client, or none before its first `graphql()` operation. */
export function readPersistedDocuments(file = WEB_PERSISTED_DOCUMENTS_FILE): Record<string, string> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as Record<string, string>);
}

const sortedManifest = (manifest: Record<string, string>) =>
  Object.fromEntries(
    Object.keys(manifest)
      .sort()
      .map((id) => [id, manifest[id]!]),
  );

export const manifestText = (manifest: Record<string, string>) => `${JSON.stringify(sortedManifest(manifest), null, 2)}\n`;

export class CommandRefusal extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

export type CommandOptions = { manifestsDir?: string; apiSchema?: GraphQLSchema; print?: (line: string) => void };

const PUBLISH = `mutation PublishTrustedDocuments($input: PublishTrustedDocumentsInput!) {
  publishTrustedDocuments(input: $input) { published total userErrors { code field message } }
}`;

export function loadApiSchema(file = API_SCHEMA_FILE): GraphQLSchema {
  return buildSchema(readFileSync(file, 'utf8'));
}

/** Every committed manifest, by client (the file's name). */
export function committedManifests(dir = MANIFESTS_DIR): { client: string; value: unknown }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ client: basename(file, '.json'), value: JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown }));
}

/** What would break: each committed manifest's documents that no longer validate against `schema`, naming client and operation. */
export function checkCommittedManifests(schema: GraphQLSchema, dir = MANIFESTS_DIR): string[] {
  return committedManifests(dir).flatMap(({ client, value }) => {
    const read = readManifest(value);
    const problems: ManifestProblem[] = read.manifest ? validateManifest(read.manifest, schema) : read.problems;
    return problems.map((problem) => describeProblem(problem, client));
  });
}

export async function runDocumentsCommand(argv: readonly string[], options: CommandOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = options.manifestsDir ?? MANIFESTS_DIR;
  const [command, ...rest] = argv;
  if (command === 'check') {
    const problems = checkCommittedManifests(options.apiSchema ?? loadApiSchema(), dir);
    if (problems.length > 0) throw new CommandRefusal(`published documents the API schema breaks:\n  - ${problems.join('\n  - ')}`, 1);
    print(`every manifest in ${dir} validates against the API schema`);
    return;
  }
  if (command === 'web') {
    const manifest = webClientManifest();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'web.json'), manifestText(manifest));
    print(`wrote ${Object.keys(manifest).length} web client operations to ${join(dir, 'web.json')}`);
    return;
  }
  if (command !== 'publish') throw new CommandRefusal(USAGE);
  let parsed: { values: { client?: string; version?: string; url?: string; token?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { client: { type: 'string' }, version: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CommandRefusal(`${(error as Error).message}\n${USAGE}`);
  }
  const { client = '', version = '', url = 'http://127.0.0.1:4000/graphql', token } = parsed.values;
  if (!CLIENT_NAME.test(client)) throw new CommandRefusal(`--client must be 1-64 of a-z 0-9 . _ -; received "${client}"\n${USAGE}`);
  if (!CLIENT_VERSION.test(version))
    throw new CommandRefusal(`--version must be 1-64 of A-Z a-z 0-9 . _ + -; received "${version}"\n${USAGE}`);
  if (parsed.positionals.length !== 1) throw new CommandRefusal(`name one manifest file\n${USAGE}`);
  const file = parsed.positionals[0]!;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CommandRefusal(`${file} is not a readable JSON file: ${(error as Error).message}`);
  }
  const read = readManifest(value);
  const problems = read.manifest ? validateManifest(read.manifest, options.apiSchema ?? loadApiSchema()) : read.problems;
  if (problems.length > 0) {
    throw new CommandRefusal(
      `nothing published; the manifest does not validate:\n  - ${problems.map((p) => describeProblem(p, client)).join('\n  - ')}`,
      1,
    );
  }
  const manifest = read.manifest!;
  const outcome = await publish(url, token, { client, version, manifest });
  record(dir, client, manifest);
  print(
    `published ${outcome.published} new of ${Object.keys(manifest).length} documents for ${client} ${version}; ${outcome.total} in all`,
  );
}

async function publish(url: string, token: string | undefined, input: { client: string; version: string; manifest: Manifest }) {
  const documents = Object.entries(input.manifest).map(([id, document]) => ({ id, document }));
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: PUBLISH, variables: { input: { client: input.client, version: input.version, documents } } }),
    });
  } catch (error) {
    throw new CommandRefusal(`the router at ${url} cannot be reached: ${(error as Error).message}`, 1);
  }
  type Answer = {
    data?: { publishTrustedDocuments: { published: number; total: number; userErrors: { field: string; message: string }[] } } | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const answer = (await response.json().catch(() => ({}))) as Answer;
  if (answer.errors?.length) {
    const reasons = answer.errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('\n  - ');
    throw new CommandRefusal(`the router refused the manifest (HTTP ${response.status}):\n  - ${reasons}`, 1);
  }
  const payload = answer.data?.publishTrustedDocuments;
  if (!payload) throw new CommandRefusal(`the router answered HTTP ${response.status} without a result`, 1);
  if (payload.userErrors.length > 0) {
    throw new CommandRefusal(`nothing published:\n  - ${payload.userErrors.map((e) => `${e.field}: ${e.message}`).join('\n  - ')}`, 1);
  }
  return payload;
}

/** Adds the manifest to the client's committed record: published documents are never withdrawn, so the record only grows. */
function record(dir: string, client: string, manifest: Manifest): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${client}.json`);
  const known = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const merged = { ...known, ...manifest };
  const sorted = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((id) => [id, merged[id]]),
  );
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}
