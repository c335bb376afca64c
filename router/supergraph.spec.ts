import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../platform/config/config.ts';
import { SUPERGRAPH_FILE } from '../schema/composition.ts';
import { DEFAULT_SUPERGRAPH_PATH, parseSupergraph, readSupergraph, SupergraphMissingError, subgraphEndpoints } from './supergraph.ts';
import { composeTestSupergraph } from './testing/harness.ts';

describe('readSupergraph', () => {
  it('reads the file `npm run compose` writes, whatever the working directory', () => {
    // The path is fixed when the module loads: load it in a process started in another folder.
    const script = `import(${JSON.stringify(join(import.meta.dirname, 'supergraph.ts'))}).then((m) => console.log(m.DEFAULT_SUPERGRAPH_PATH))`;
    const printed = execFileSync(process.execPath, ['--no-warnings', '-e', script], { cwd: tmpdir(), encoding: 'utf8' }).trim();
    expect(printed).toBe(SUPERGRAPH_FILE);
    expect(DEFAULT_SUPERGRAPH_PATH).toBe(SUPERGRAPH_FILE);
  });

  it('names the missing file and the command that composes it', () => {
    const missing = join(import.meta.dirname, 'no-such-supergraph.graphql');
    expect(() => readSupergraph(missing)).toThrow(SupergraphMissingError);
    expect(() => readSupergraph(missing)).toThrow(`no supergraph at ${missing}; run \`npm run compose\``);
  });
});

describe('subgraphEndpoints', () => {
  const supergraph = parseSupergraph(composeTestSupergraph());

  it('routes a subgraph to the URL its <NAME>_URL configures, not the one written at composition', () => {
    const config = loadConfig({ NODE_ENV: 'test', CATALOGUE_URL: 'http://catalogue.internal:8080/graphql' });
    expect(subgraphEndpoints(supergraph, config)).toEqual([{ name: 'catalogue', url: 'http://catalogue.internal:8080/graphql' }]);
  });

  it('lets an explicit override win over the configuration', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(subgraphEndpoints(supergraph, config, { catalogue: 'http://127.0.0.1:5555/graphql' })).toEqual([
      { name: 'catalogue', url: 'http://127.0.0.1:5555/graphql' },
    ]);
  });
});
