import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, getVariableValues, Kind, type OperationDefinitionNode, parse, validate } from 'graphql';
import { CONTRACT_DIR, contractExamples } from '../support/contract.ts';

/**
 * Every public operation must validate against the composed public schema,
 * and its example variables must be accepted as they are (which pins the
 * input field names): a change that breaks a front-end team's or a partner's
 * operation fails here, before it ships.
 */
const schema = buildSchema(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'api.graphql'), 'utf8'));
const examples = contractExamples();
const operations = readdirSync(CONTRACT_DIR)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .flatMap((file) =>
    parse(readFileSync(join(CONTRACT_DIR, file), 'utf8'))
      .definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => [`${file} ${operation.name?.value}`, operation] as const),
  );

describe('the public contract in test/contract', () => {
  it('holds the operations every client relies on', () => {
    expect(operations.length).toBeGreaterThanOrEqual(34);
  });

  it.each(operations)('%s validates against schema/api.graphql, with its example variables', (_name, operation) => {
    expect(validate(schema, { kind: Kind.DOCUMENT, definitions: [operation] }).map((error) => error.message)).toEqual([]);
    const example = examples[operation.name?.value ?? ''];
    if (example === undefined) return;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], example);
    expect((coerced.errors ?? []).map((error) => error.message)).toEqual([]);
  });
});
