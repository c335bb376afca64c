import { type OperationDefinitionNode, parse } from 'graphql';
import { declaredVariablesJson, hashKey } from './merge-keys.ts';

const operationOf = (source: string) => parse(source).definitions[0] as OperationDefinitionNode;

describe('merge keys', () => {
  it('are the same size whatever their parts, and tell apart parts that only move a separator', () => {
    expect(hashKey('x'.repeat(1_000_000))).toHaveLength(43);
    expect(hashKey('a')).toHaveLength(43);
    expect(hashKey('a\nb', 'c')).not.toBe(hashKey('a', 'b\nc'));
    expect(hashKey('ab', 'c')).not.toBe(hashKey('a', 'bc'));
    expect(hashKey('a', 'b')).toBe(hashKey('a', 'b'));
  });

  it('hold only the variables the operation declares, in declaration order, telling a missing one from null', () => {
    const operation = operationOf('query Q($first: Int, $after: String) { a }');
    const key = declaredVariablesJson(operation, { after: 'c1', first: 10, extra: 'ignored' });
    expect(key).toBe(declaredVariablesJson(operation, { first: 10, after: 'c1' }));
    expect(key).toBe('[["first",10],["after","c1"]]');
    expect(declaredVariablesJson(operation, { first: 10 })).not.toBe(declaredVariablesJson(operation, { first: 10, after: null }));
    expect(declaredVariablesJson(operationOf('{ a }'), { anything: 1 })).toBe('[]');
  });
});
