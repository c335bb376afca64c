import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_DIR } from './support/contract.ts';

/**
 * The repository carries its own copy of the public contract so its tests
 * pass from a clone alone. Where the founders' copy sits beside the project
 * (`../shared/contract`, on our own machines and in CI), the two must hold
 * the same operations and examples; a clone without it has nothing to compare.
 */
const FOUNDERS_COPY = join(import.meta.dirname, '..', '..', 'shared', 'contract');
const comparable = (directory: string) =>
  readdirSync(directory)
    .filter((file) => file.endsWith('.graphql') || file === 'examples.json')
    .sort();

const describeIfPresent = existsSync(FOUNDERS_COPY) ? describe : describe.skip;

describeIfPresent('the public contract copy, beside the founders’ copy', () => {
  it('holds the same files', () => {
    expect(comparable(CONTRACT_DIR)).toEqual(comparable(FOUNDERS_COPY));
  });

  it.each(existsSync(FOUNDERS_COPY) ? comparable(FOUNDERS_COPY) : [])('%s is identical', (file) => {
    expect(readFileSync(join(CONTRACT_DIR, file), 'utf8')).toBe(readFileSync(join(FOUNDERS_COPY, file), 'utf8'));
  });
});

if (!existsSync(FOUNDERS_COPY)) {
  describe('the public contract copy', () => {
    it.skip('is not compared: ../shared/contract is absent beside this clone', () => undefined);
  });
}
