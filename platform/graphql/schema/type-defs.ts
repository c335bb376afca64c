import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const COMMON = readFileSync(join(import.meta.dirname, 'common.graphql'), 'utf8');

/**
 * A subgraph's full SDL: its own `schema.graphql` (in `dir`) after the types
 * every subgraph shares (Money, Decimal, DateTime, PageInfo), so those are
 * written once. The server and composition both read SDL through here.
 */
export function subgraphTypeDefs(dir: string): string {
  return `${readFileSync(join(dir, 'schema.graphql'), 'utf8')}\n${COMMON}`;
}
