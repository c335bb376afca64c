import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DocumentNode, Kind, type OperationDefinitionNode, parse, print, visit } from 'graphql';

/**
 * The public contract (test/contract/) as end-to-end tests use it: the very
 * operations front-end teams and partners send. It lives in the repository so
 * the tests pass from a clone alone.
 */
export const CONTRACT_DIR = join(import.meta.dirname, '..', 'contract');

export function contractExamples(): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(join(CONTRACT_DIR, 'examples.json'), 'utf8')) as Record<string, Record<string, unknown>>;
}

/**
 * One named operation from a contract file, printed as a query string.
 * `withoutFields` removes selections of fields whose subgraph does not exist
 * yet (e.g. `stock` before the stock subgraph), so the rest of the operation
 * is still exercised unchanged.
 */
export function contractOperation(file: string, name: string, options: { withoutFields?: readonly string[] } = {}): string {
  const path = join(CONTRACT_DIR, file);
  if (!existsSync(path)) throw new Error(`the public contract is missing: ${path} (it belongs in the repository)`);
  const document = parse(readFileSync(path, 'utf8'));
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION && definition.name?.value === name,
  );
  if (!operation) throw new Error(`${file} has no operation named ${name}`);
  const dropped = new Set(options.withoutFields ?? []);
  const pruned = visit({ kind: Kind.DOCUMENT, definitions: [operation] } as DocumentNode, {
    Field: (node) => (dropped.has(node.name.value) ? null : undefined),
  });
  return print(pruned);
}
