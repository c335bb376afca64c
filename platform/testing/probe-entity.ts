import { defineEntity, p } from '@mikro-orm/core';

/** MikroORM refuses to start without an entity; test subgraphs that store nothing declare this one. */
export const ProbeEntity = defineEntity({ name: 'Probe', tableName: 'probe', properties: { id: p.string().primary() } });
