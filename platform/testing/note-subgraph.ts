import { defineEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { parse } from 'graphql';
import { readRows } from '../db/read-rows.ts';
import type { SubgraphDefinition } from '../graphql/subgraph.ts';

/**
 * A tiny subgraph of notes for the read-replica tests (platform/db/read-replicas.spec.ts,
 * test/replica-read-your-writes.spec.ts): reads through raw SQL and the ORM, writes through
 * db.transaction and an ORM flush. It borrows the catalogue's name because the kit knows
 * only the six domains.
 */
export const NOTE_SUBGRAPH_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { note(id: ID!): String, noteByOrm(id: ID!): String }
  type Mutation { setNote(id: ID!, body: String!): String!, addNoteByOrm(id: ID!, body: String!): String! }
`;

const Note = defineEntity({
  name: 'Note',
  tableName: 'note',
  properties: { id: p.string().primary(), body: p.string() },
});
class NoteTable extends Migration {
  override name = '0001-note';
  override up(): void {
    this.addSql('create table note (id varchar(36) not null primary key, body varchar(200) not null)');
  }
}

export const noteSubgraph: SubgraphDefinition<Record<string, never>> = {
  name: 'catalogue',
  typeDefs: parse(NOTE_SUBGRAPH_SDL),
  resolvers: {
    Query: {
      note: async (_, { id }: { id: string }, ctx) => (await readRows(ctx.em, Note, { id: { $in: [id] } }))[0]?.body ?? null,
      noteByOrm: async (_, { id }: { id: string }, ctx) => (await ctx.em.findOne(Note, { id }))?.body ?? null,
    },
    Mutation: {
      // Through the ORM outside db.transaction: the flush commits in a transaction of its own.
      addNoteByOrm: async (_, { id, body }: { id: string; body: string }, ctx) => {
        ctx.em.create(Note, { id, body });
        await ctx.em.flush();
        return body;
      },
      setNote: async (_, { id, body }: { id: string; body: string }, ctx) => {
        await ctx.db.transaction(ctx.em, (tx) =>
          ctx.db.run(tx, `${ctx.db.dialect === 'mysql' ? 'replace' : 'insert or replace'} into note (id, body) values (?, ?)`, [id, body]),
        );
        return body;
      },
    },
  },
  entities: [Note],
  migrations: [NoteTable],
  createLoaders: () => ({}),
};
