import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildSchema } from 'graphql';
import { checkCommittedManifests } from '../scripts/documents-command.ts';
import { API_SCHEMA_FILE, CompositionError, composeSupergraph, readSubgraphSdls, SUPERGRAPH_FILE } from './composition.ts';

// `npm run compose`: rewrites schema/supergraph.graphql and schema/api.graphql; a composition error fails.
try {
  const subgraphs = readSubgraphSdls();
  const { supergraphSdl, apiSdl } = composeSupergraph(subgraphs);
  // A change that would break a client's published operations (schema/trusted-documents/) is refused before anything is written.
  const broken = checkCommittedManifests(buildSchema(apiSdl));
  if (broken.length > 0) {
    console.error(`the composed API schema breaks published trusted documents; nothing written:\n  - ${broken.join('\n  - ')}`);
    process.exit(1);
  }
  writeFileSync(SUPERGRAPH_FILE, supergraphSdl);
  writeFileSync(API_SCHEMA_FILE, apiSdl);
  const names = subgraphs.map((subgraph) => subgraph.name).join(', ');
  console.log(
    `composed ${subgraphs.length} subgraphs (${names}) into ${relative(process.cwd(), SUPERGRAPH_FILE)} and ${relative(process.cwd(), API_SCHEMA_FILE)}`,
  );
} catch (error) {
  console.error(error instanceof CompositionError ? error.message : error);
  process.exit(1);
}
