import type { AnySetting } from './env.ts';

/**
 * The README's table of environment variables, written from the settings
 * declarations so it cannot drift from what the processes read.
 * `npm run docs:env` (scripts/env-table.ts) rewrites it between the markers;
 * scripts/env-table.spec.ts fails when the committed README is stale.
 */

export const TABLE_START = '<!-- env-table:start (written by `npm run docs:env` from the settings declarations; edit those) -->';
export const TABLE_END = '<!-- env-table:end -->';

type Declared = { readBy: string; settings: readonly AnySetting[] };

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const distinct = (values: readonly string[]) => [...new Set(values)];

/** One row per setting, except that a setting `documentedWith` another joins that one's row (a family such as the subgraph ports). */
export function environmentTable(declarations: readonly Declared[]): string {
  const rows: { readBy: string; settings: AnySetting[] }[] = [];
  const rowOf = new Map<string, { readBy: string; settings: AnySetting[] }>();
  for (const declaration of declarations) {
    for (const setting of declaration.settings) {
      const joined = setting.documentedWith === undefined ? undefined : rowOf.get(setting.documentedWith);
      if (setting.documentedWith !== undefined && !joined) {
        throw new Error(`${setting.name} is documented with ${setting.documentedWith}, which is not declared before it`);
      }
      const row = joined ?? { readBy: declaration.readBy, settings: [] };
      if (!joined) rows.push(row);
      row.settings.push(setting);
      rowOf.set(setting.name, row);
    }
  }
  const lines = ['| variable | read by | default | accepts | meaning |', '|---|---|---|---|---|'];
  for (const { readBy, settings } of rows) {
    const [first] = settings;
    lines.push(
      `| ${[
        settings.map((setting) => `\`${setting.name}\``).join(', '),
        readBy,
        distinct(settings.map((setting) => setting.defaultText)).join(', '),
        distinct(settings.map((setting) => setting.accepts)).join('; '),
        first!.description,
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by `table`. */
export function withEnvironmentTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md needs the markers ${TABLE_START} and ${TABLE_END} around the table`);
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}
