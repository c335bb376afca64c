import type { GraphQLResolverMap } from '@apollo/subgraph';
import { scalarResolvers } from '../kit/scalars.ts';
import * as accounts from './accounts.ts';
import type { MembersContext } from './context.ts';
import type { Member } from './entities/account.entity.ts';
import { login } from './login.ts';

/** Thin: parse arguments, call the services, shape the result. */
type Input<T> = { input: T };
const personal = (field: 'email' | 'phone') => (member: Member, _: unknown, ctx: MembersContext) =>
  accounts.mayReadPersonalData(ctx, member) ? (member[field] ?? null) : null;

export const resolvers: GraphQLResolverMap<MembersContext> = {
  ...scalarResolvers,
  Query: {
    me: (_, __, ctx) => accounts.me(ctx),
    member: (_, { id }: { id: string }, ctx) => accounts.memberById(ctx, id),
  },
  Mutation: {
    registerMember: (_, { input }: Input<accounts.RegisterMemberInput>, ctx) => accounts.registerMember(ctx, input),
    login: (_, { input }: Input<{ email: string; password: string }>, ctx) => login(ctx, input),
  },
  Member: {
    __resolveReference: ({ id }: { id: string }, ctx: MembersContext) => accounts.memberById(ctx, id),
    email: personal('email'),
    phone: personal('phone'),
    tier: (member: Member) => ({ name: member.tier }),
  },
};
