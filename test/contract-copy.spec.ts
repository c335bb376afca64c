import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTRACT_DIR } from './support/contract.ts';

/**
 * The repository carries the public contract in test/contract/, so its tests
 * pass from a clone alone. Where the founders' copy of the contract is checked
 * out in a `shared` folder beside the repository (on our own machines and in
 * CI), the two must hold the same operations and examples; a clone without it
 * has nothing to compare, and says so with a skipped test.
 */
const FOUNDERS_COPY = join(import.meta.dirname, '..', '..', 'shared', 'contract');
const foundersCopyPresent = existsSync(FOUNDERS_COPY);
/** What the contract is: its operations and their example variables (not the README, which differs in its how-to-check lines). */
const comparable = (directory: string) =>
  readdirSync(directory)
    .filter((file) => file.endsWith('.graphql') || file === 'examples.json')
    .sort();

describe('test/contract/', () => {
  it('holds the operation files and their examples', () => {
    expect(comparable(CONTRACT_DIR)).toEqual(expect.arrayContaining(['catalogue.graphql', 'examples.json']));
    expect(comparable(CONTRACT_DIR).length).toBeGreaterThanOrEqual(7);
  });
});

if (foundersCopyPresent) {
  describe(`test/contract/ beside the founders' copy (${FOUNDERS_COPY})`, () => {
    it('holds the same operation files and examples', () => {
      expect(comparable(CONTRACT_DIR)).toEqual(comparable(FOUNDERS_COPY));
    });

    it.each(comparable(FOUNDERS_COPY))('%s is identical', (file) => {
      expect(readFileSync(join(CONTRACT_DIR, file), 'utf8')).toBe(readFileSync(join(FOUNDERS_COPY, file), 'utf8'));
    });
  });
} else {
  describe("test/contract/ beside the founders' copy", () => {
    it.skip(`SKIPPED: not compared, because the founders' copy is absent (no folder ${FOUNDERS_COPY})`, () => undefined);
  });
}
