import { buildSchema, type OperationDefinitionNode, parse } from 'graphql';
import { selectedFieldCoordinates } from '../platform/auth/selected-fields.ts';
import { perOperation } from './operation-memo.ts';
import { conditionVariables, pageSizeVariables } from './operation-variables.ts';

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

describe('results remembered per operation, keyed by the variables they read', () => {
  const searchSchema = buildSchema('type Query { items(search: String, first: Int): [Int], extra: Int }');
  const search = parse(`query S($search: String, $first: Int, $withExtra: Boolean = false) {
    items(search: $search, first: $first) ...More
  }
  fragment More on Query { extra @include(if: $withExtra) }`);
  const searchOperation = search.definitions[0] as OperationDefinitionNode;

  it('walks the fields once however many search words come, and again when a condition changes', () => {
    let computed = 0;
    const fields = perOperation((...args: Parameters<typeof selectedFieldCoordinates>) => {
      computed++;
      return selectedFieldCoordinates(...args);
    }, conditionVariables);
    for (let n = 0; n < 200; n++)
      expect(fields(searchSchema, search, searchOperation, { search: `word ${n}`, first: n })).toEqual(['Query.items']);
    expect(computed).toBe(1);
    expect(fields(searchSchema, search, searchOperation, { search: 'x', withExtra: true })).toEqual(['Query.items', 'Query.extra']);
    expect(fields(searchSchema, search, searchOperation, { search: 'y', withExtra: false })).toEqual(['Query.items']);
    expect(computed).toBe(3);
  });

  it('names the variables of page sizes and of conditions only', () => {
    expect([...pageSizeVariables(search, searchOperation)]).toEqual(['first']);
    expect([...conditionVariables(search, searchOperation)]).toEqual(['withExtra']);
  });

  it('measures the cost once per page size, whatever else differs', () => {
    let computed = 0;
    const cost = perOperation((_schema, _document, _operation, variables) => {
      computed++;
      return variables.first;
    }, pageSizeVariables);
    for (let n = 0; n < 100; n++) expect(cost(searchSchema, search, searchOperation, { search: `w${n}`, first: n % 5 })).toBe(n % 5);
    expect(computed).toBe(5);
  });
});
