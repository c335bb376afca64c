import type { GraphQLResolverMap } from '@apollo/subgraph';
import { scalarResolvers } from '../../platform/graphql/scalars.ts';
import * as accounts from './accounts/accounts.ts';
import * as apiKeyLimits from './accounts/api-key-limits.ts';
import * as apiKeyUsage from './accounts/api-key-usage.ts';
import * as apiKeys from './accounts/api-keys.ts';
import { login } from './accounts/login.ts';
import type { MembersContext } from './context.ts';
import * as trustedDocuments from './documents/trusted-documents.ts';
import type { Member } from './entities/account.entity.ts';
import type { ApiKey } from './entities/api-key.entity.ts';
import * as checkoutDiscounts from './loyalty/checkout-discounts.ts';
import * as coupons from './loyalty/coupons.ts';
import * as points from './loyalty/points.ts';
import { memberReport } from './loyalty/reports.ts';
import { tierView } from './loyalty/tiers.ts';
import { notificationsOf } from './notifications/notifications.ts';
import * as webhookDispatch from './webhooks/dispatch.ts';
import * as webhooks from './webhooks/webhooks.ts';

/** Thin: parse arguments, call the services, shape the result. */
type Input<T> = { input: T };
const personal = (field: 'email' | 'phone') => (member: Member, _: unknown, ctx: MembersContext) =>
  accounts.mayReadPersonalData(ctx, member) ? (member[field] ?? null) : null;

export const resolvers: GraphQLResolverMap<MembersContext> = {
  ...scalarResolvers,
  Query: {
    me: (_, __, ctx) => accounts.me(ctx),
    member: (_, { id }: { id: string }, ctx) => accounts.memberById(ctx, id),
    membersByPhone: (_, { phone }: { phone: string }, ctx) => accounts.membersByPhone(ctx, phone),
    apiKeys: (_, __, ctx) => apiKeys.listApiKeys(ctx),
    authenticateApiKey: (_, { secret }: { secret: string }, ctx) => apiKeys.authenticateApiKey(ctx, secret),
    trustedDocuments: (_, { client }: { client: string }, ctx) => trustedDocuments.trustedDocumentsOf(ctx, client),
    trustedDocument: (_, { id }: { id: string }, ctx) => trustedDocuments.lookUpTrustedDocument(ctx, id),
    memberReport: (_, args: { from: Date; to: Date }, ctx) => memberReport(ctx, args),
    webhooks: (_, __, ctx) => webhooks.listWebhooks(ctx),
    webhookDeliveries: (_, args: { webhookId: string; first?: number | null; after?: string | null }, ctx) =>
      webhooks.webhookDeliveries(ctx, args),
    leaseWebhooks: (_, args: { owner: string; limit?: number | null }, ctx) => webhookDispatch.leaseWebhooks(ctx, args.owner, args.limit),
  },
  Mutation: {
    registerMember: (_, { input }: Input<accounts.RegisterMemberInput>, ctx) => accounts.registerMember(ctx, input),
    login: (_, { input }: Input<{ email: string; password: string }>, ctx) => login(ctx, input),
    issueCoupons: (_, { input }: Input<coupons.IssueCouponsInput>, ctx) => coupons.issueCoupons(ctx, input),
    applyCheckoutDiscounts: (_, { input }: Input<checkoutDiscounts.ApplyCheckoutDiscountsInput>, ctx) =>
      checkoutDiscounts.applyCheckoutDiscounts(ctx, input),
    releaseCheckoutDiscounts: (_, { input }: Input<{ orderId: string }>, ctx) => checkoutDiscounts.releaseCheckoutDiscounts(ctx, input),
    createApiKey: (_, { input }: Input<apiKeys.CreateApiKeyInput>, ctx) => apiKeys.createApiKey(ctx, input),
    revokeApiKey: (_, { input }: Input<{ id: string }>, ctx) => apiKeys.revokeApiKey(ctx, input),
    rotateApiKey: (_, { input }: Input<{ id: string; overlapSeconds?: number | null }>, ctx) => apiKeys.rotateApiKey(ctx, input),
    updateApiKeyLimits: (_, { input }: Input<apiKeyLimits.UpdateApiKeyLimitsInput>, ctx) => apiKeyLimits.updateApiKeyLimits(ctx, input),
    recordApiKeyUsage: (_, { usage }: { usage: apiKeyUsage.ApiKeyUsageReport[] }, ctx) => apiKeyUsage.recordApiKeyUsage(ctx, usage),
    publishTrustedDocuments: (_, { input }: Input<trustedDocuments.PublishInput>, ctx) =>
      trustedDocuments.publishTrustedDocuments(ctx, input),
    createWebhook: (_, { input }: Input<{ name: string; url: string; query: string }>, ctx) => webhooks.createWebhook(ctx, input),
    updateWebhook: (_, { input }: Input<webhooks.UpdateWebhookInput>, ctx) => webhooks.updateWebhook(ctx, input),
    deleteWebhook: (_, { input }: Input<{ id: string }>, ctx) => webhooks.deleteWebhook(ctx, input),
    redeliverWebhook: (_, { deliveryId }: { deliveryId: string }, ctx) => webhooks.redeliverWebhook(ctx, deliveryId),
    recordWebhookEvent: (_, { input }: Input<Parameters<typeof webhookDispatch.recordWebhookEvent>[1]>, ctx) =>
      webhookDispatch.recordWebhookEvent(ctx, input),
    claimWebhookDeliveries: (_, args: { owner: string; limit?: number | null }, ctx) =>
      webhookDispatch.claimWebhookDeliveries(ctx, args.owner, args.limit),
    releaseWebhooks: (_, { owner }: { owner: string }, ctx) => webhookDispatch.releaseWebhooks(ctx, owner),
    recordWebhookAttempt: (_, { input }: Input<Parameters<typeof webhookDispatch.recordWebhookAttempt>[1]>, ctx) =>
      webhookDispatch.recordWebhookAttempt(ctx, input),
  },
  Tier: {
    pointsMultiplier: (tier: { name: string }) => tierView(tier.name).pointsMultiplier,
    minimumSpend: (tier: { name: string }) => tierView(tier.name).minimumSpend,
  },
  ApiKey: {
    scopes: (key: ApiKey) => apiKeys.scopesOfKey(key),
    usage: (key: ApiKey, { days }: { days: number }, ctx: MembersContext) => apiKeyUsage.usageOf(ctx, key, days),
  },
  TrustedDocument: {
    id: (row: { documentId: string }) => row.documentId,
  },
  Member: {
    __resolveReference: ({ id }: { id: string }, ctx: MembersContext) => accounts.memberById(ctx, id),
    email: personal('email'),
    phone: personal('phone'),
    tier: (member: Member) => ({ name: member.tier }),
    points: (member: Member, _: unknown, ctx: MembersContext) => points.pointsOf(ctx, member.id),
    pointsLedger: (member: Member, page: { first?: number | null; after?: string | null }, ctx: MembersContext) =>
      points.pointsLedger(ctx, member.id, page),
    coupons: (member: Member, _: unknown, ctx: MembersContext) => coupons.memberCoupons(ctx, member.id),
    notifications: (member: Member, { first }: { first: number }, ctx: MembersContext) => notificationsOf(ctx.em, member.id, first),
  },
};
