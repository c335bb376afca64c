import { buildSchema, type OperationDefinitionNode, parse } from 'graphql';
import { selectedFieldCoordinates } from '../platform/auth/selected-fields.ts';
import { perOperation } from './operation-memo.ts';

const schema = buildSchema('type Query { a: Int, b: Int }');
const document = parse('query Q($withB: Boolean!) { a b @include(if: $withB) }');
const operation = document.definitions[0] as OperationDefinitionNode;

describe('results remembered per operation', () => {
  it('computes once per schema, operation and variable set, and again for other variables or another schema', () => {
    let computed = 0;
    const fields = perOperation((...args: Parameters<typeof selectedFieldCoordinates>) => {
      computed++;
      return selectedFieldCoordinates(...args);
    });
    expect(fields(schema, document, operation, { withB: true })).toEqual(['Query.a', 'Query.b']);
    expect(fields(schema, document, operation, { withB: true })).toEqual(['Query.a', 'Query.b']);
    expect(computed).toBe(1);
    // Variables change what is selected, so they are part of the key.
    expect(fields(schema, document, operation, { withB: false })).toEqual(['Query.a']);
    expect(computed).toBe(2);
    // A reloaded supergraph is another schema: nothing carries over.
    const reloaded = buildSchema('type Query { a: Int, b: Int }');
    expect(fields(reloaded, document, operation, { withB: true })).toEqual(['Query.a', 'Query.b']);
    expect(computed).toBe(3);
  });

  it('answers correctly when variables never repeat (its memory starts over past 64 sets instead of growing)', () => {
    let computed = 0;
    const measure = perOperation((_schema, _document, _operation, variables) => {
      computed++;
      return variables.n;
    });
    const counted = parse('query N($n: Int) { a }');
    const countedOperation = counted.definitions[0] as OperationDefinitionNode;
    for (let n = 0; n < 1_000; n++) expect(measure(schema, counted, countedOperation, { n })).toBe(n);
    expect(computed).toBe(1_000);
  });

  it('keys by the variables the operation declares only: others cannot split or bloat its memory', () => {
    let computed = 0;
    const fields = perOperation((...args: Parameters<typeof selectedFieldCoordinates>) => {
      computed++;
      return selectedFieldCoordinates(...args);
    });
    for (let n = 0; n < 100; n++)
      expect(fields(schema, document, operation, { withB: true, [`noise${n}`]: 'x'.repeat(1_000) })).toHaveLength(2);
    expect(computed).toBe(1);
  });
});
