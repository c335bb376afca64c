import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declarationsOf } from '../platform/config/config.ts';
import { secret, wholeNumber } from '../platform/config/env.ts';
import { environmentTable, TABLE_END, TABLE_START, withEnvironmentTable } from '../platform/config/env-table.ts';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe("the README's table of environment variables", () => {
  const table = environmentTable(declarationsOf('embedded'));

  it('is what the settings declarations give now (run npm run docs:env when this fails)', () => {
    expect(withEnvironmentTable(README, table)).toBe(README);
  });

  it('names every declared variable, with who reads it', () => {
    for (const declaration of declarationsOf('embedded')) {
      for (const setting of declaration.settings) expect(table).toContain(`\`${setting.name}\``);
    }
    expect(table).toMatch(
      /^\| `MAX_QUERY_DEPTH`, `MAX_ALIASES` \| router \| `12`, `30` \| whole number, 1 to 1000; whole number, 0 to 100000 \|/m,
    );
    expect(table).toMatch(/^\| `WECHATPAY_MCH_ID`, `WECHATPAY_APP_ID`, .* \| payments \| unset \(the simulator, outside production\) \|/m);
  });
});

describe('writing the table', () => {
  const first = wholeNumber('FIRST', { default: 1, min: 0, max: 9, description: 'The first | and only.' });
  const second = secret('SECOND', { minLength: 4, description: 'Joins the first.', documentedWith: 'FIRST' });

  it('joins a family into one row and escapes the pipes of a description', () => {
    expect(
      environmentTable([{ readBy: 'a test', settings: [first, second] }])
        .split('\n')
        .at(-1),
    ).toBe('| `FIRST`, `SECOND` | a test | `1`, unset | whole number, 0 to 9; secret, at least 4 characters | The first \\| and only. |');
  });

  it('replaces only what stands between the markers', () => {
    const readme = `# Title\n\n${TABLE_START}\n\nold table\n\n${TABLE_END}\n\nAfter.\n`;
    expect(withEnvironmentTable(readme, 'new table')).toBe(`# Title\n\n${TABLE_START}\n\nnew table\n\n${TABLE_END}\n\nAfter.\n`);
    expect(() => withEnvironmentTable('# no markers', 'table')).toThrow(/needs the markers/);
  });
});
