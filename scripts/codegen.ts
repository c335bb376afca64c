/**
 * `npm run codegen`: GraphQL Code Generator's client preset over the React web client's `graphql()` operations
 * (web-client/codegen.ts), written to web-client/src/gql/, then schema/trusted-documents/web.json rewritten as
 * exactly their persisted documents, so the published manifest and what the client sends never disagree. `--out DIR` writes the generated files to DIR
 * instead and touches nothing else: test/codegen.spec.ts compares that output with what is committed.
 */
import { parseArgs } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import { codegenConfig } from '../web-client/codegen.ts';
import { runDocumentsCommand } from './documents-command.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
await generate(codegenConfig(values.out), true);
if (values.out === undefined) await runDocumentsCommand(['web']);
