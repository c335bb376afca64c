import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { declarationsOf } from '../platform/config/config.ts';
import { environmentTable, withEnvironmentTable } from '../platform/config/env-table.ts';

// `npm run docs:env`: rewrites README.md's table of environment variables from
// the settings declarations (run it after adding or changing a setting).
const readmePath = join(import.meta.dirname, '..', 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withEnvironmentTable(before, environmentTable(declarationsOf('embedded')));
if (after === before) {
  console.log('README.md: the environment table is up to date');
} else {
  writeFileSync(readmePath, after);
  console.log('README.md: environment table rewritten');
}
