import type { Identity } from '../platform/auth/identity.ts';
import type { TokenMinter } from '../platform/auth/jwt.ts';
import type { LoadRequest } from './load.ts';
import { productSearchSet, type SearchSet } from './long-tail.ts';
import { BENCH_CALLER, BENCH_IDENTITY_HEADER, signedIdentity } from './peers/shared.ts';
import { derivedSeed, mulberry32 } from './random.ts';
import { graphqlAt, openShop, type Shop } from './shop.ts';
import type { StockKeeper } from './stock-keeper.ts';
import { body, HEAVY_NESTED, LIGHT_VARIABLES, ORDER_DETAIL, PRODUCT_SEARCH } from './workloads.ts';

/**
 * The read workloads and their callers, built once through our router before
 * any load (bench/README.md, Workloads). Four long-tail reads make the
 * headline: many distinct bodies, each request's body drawn at random, sent
 * by many callers. The burst (one body, one caller) is the identical-request
 * case, reported on its own.
 */
export type ReadWorkload = {
  key: string;
  name: string;
  description: string;
  requests: LoadRequest[];
  /** The callers a request without its own headers goes as (one drawn per request). */
  callers: Record<string, string>[];
  /** The burst: reported apart from the long-tail reads. */
  burst: boolean;
  /**
   * Requests sent once to each router before its run, whose answers show that
   * it passed each request's own caller on to the subgraphs (a member reading
   * another member's order gets null); empty where no answer depends on the caller.
   */
  callerProbe: LoadRequest[];
};

export const LONG_TAIL_READS = ['light', 'order-detail', 'heavy', 'partner'];
export const READS = [...LONG_TAIL_READS, 'burst'];

export type ReadSizes = {
  members: number;
  ordersPerMember: number;
  searchPages: number;
  heavyBodies: number;
  /** Staff callers of the heavy workload: several people at the order screens, each with their own token. */
  staff: number;
  partners: number;
};
export const FULL_SIZES: ReadSizes = { members: 50, ordersPerMember: 10, searchPages: 600, heavyBodies: 50, staff: 5, partners: 6 };
export const QUICK_SIZES: ReadSizes = { members: 12, ordersPerMember: 3, searchPages: 100, heavyBodies: 10, staff: 5, partners: 5 };

/** The partner keys' scopes: the catalogue page with stock (contract example of CreateApiKey). */
const PARTNER_SCOPES = ['catalogue:read', 'stock:read'];
const CREATE_API_KEY = `mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { id scopes } secret userErrors { code field message } }
}`;

export type ReadSetup = {
  routerUrl: string;
  mint: TokenMinter;
  internalAuthSecret: string;
  keeper: StockKeeper;
  seed: number;
  sizes: ReadSizes;
  selected: (key: string) => boolean;
  progress: (line: string) => void;
};

export type ReadWorkloads = { workloads: ReadWorkload[]; orders: number; members: number; emptySearchShare: number | null };

export async function buildReadWorkloads(setup: ReadSetup): Promise<ReadWorkloads> {
  const { selected, progress, sizes } = setup;
  const graphql = graphqlAt(setup.routerUrl);
  // What a caller sends: the credential our router reads, and the identity it derives from it for the peers.
  const callerHeaders = (credential: Record<string, string>, identity: Identity) => ({
    ...credential,
    [BENCH_IDENTITY_HEADER]: signedIdentity(identity, setup.internalAuthSecret),
  });
  const staffToken = await setup.mint({
    subject: BENCH_CALLER.subject!,
    kind: 'staff',
    scopes: BENCH_CALLER.scopes,
    ttlSeconds: 24 * 3600,
  });
  const staff = callerHeaders({ authorization: `Bearer ${staffToken}` }, BENCH_CALLER);

  let shop: Shop = { members: [], orders: [] };
  if (selected('light') || selected('order-detail') || selected('heavy')) {
    progress(`setting up ${sizes.members} members with ${sizes.ordersPerMember} paid orders each through our router`);
    shop = await openShop(setup.routerUrl, setup.mint, {
      members: sizes.members,
      ordersPerMember: sizes.ordersPerMember,
      ensureAvailable: async (skuCode, units) => {
        const available = (await setup.keeper.levels(skuCode)).reduce((sum, level) => sum + level.available, 0);
        if (available < units) await setup.keeper.restock(skuCode, units, 'bench: stock for the shop');
      },
      progress,
    });
  }
  const members = shop.members.map((member) =>
    callerHeaders({ authorization: `Bearer ${member.token}` }, { kind: 'member', subject: member.id, scopes: [] }),
  );

  progress('capturing the reference answers from our router');
  const workloads: ReadWorkload[] = [];
  let search: SearchSet | null = null;
  if (selected('light') || selected('partner')) {
    const { categories } = await graphql<{ categories: Category[] }>(
      'query { categories { id children { id children { id } } } }',
      {},
      staffToken,
    );
    search = await productSearchSet(
      mulberry32(derivedSeed(setup.seed, 1_000_000)),
      sizes.searchPages,
      categoryIds(categories),
      (variables) => graphql(PRODUCT_SEARCH, variables, staffToken),
    );
  }
  const searchRequests = () => search!.pages.map((page): LoadRequest => ({ body: page.body, expectedData: page.expectedData }));
  const searchDescription = (set: SearchSet) =>
    `${set.pages.length} distinct variable sets generated from the seed out of the demo catalogue (search words from product, brand and category names, vehicles it fits with or without a year, categories read from the catalogue, page sizes 5-24), ${set.secondPages} of them 2nd and ${set.thirdPages} 3rd pages (\`after\` the previous page's endCursor); ${set.empty} (${((set.empty / set.pages.length) * 100).toFixed(1)}%) find no product`;

  if (selected('light')) {
    workloads.push({
      key: 'light',
      name: 'Light: catalogue pages with stock, members browsing',
      description: `Contract \`ProductSearch\` (catalogue, then stock for every SKU on the page): ${searchDescription(search!)}. Each request goes as one of the shop's ${members.length} members, drawn at random.`,
      requests: searchRequests(),
      callers: members,
      burst: false,
      callerProbe: [],
    });
  }
  if (selected('order-detail')) {
    const requests: LoadRequest[] = [];
    for (const [i, order] of shop.orders.entries()) {
      const data = await graphql(ORDER_DETAIL, { id: order.id }, order.member.token);
      requests.push({
        body: body(ORDER_DETAIL, { id: order.id }),
        expectedData: JSON.stringify(data),
        headers: members[shop.members.indexOf(order.member)]!,
      });
      if ((i + 1) % 100 === 0) progress(`  OrderDetail: ${i + 1}/${shop.orders.length}`);
    }
    workloads.push({
      key: 'order-detail',
      name: 'OrderDetail: members reading their own orders',
      description: `Contract \`OrderDetail\` (orders, members, catalogue, payments, invoices, stock keys) for each of ${shop.orders.length} paid orders of ${shop.members.length} members, each sent with the token of the member who placed it (a member may read only their own orders).`,
      requests,
      callers: members,
      burst: false,
      callerProbe: await foreignOrderProbe(graphql, shop, members),
    });
  }
  if (selected('heavy')) {
    const requests: LoadRequest[] = [];
    for (let first = 10; first < 10 + sizes.heavyBodies; first++) {
      const data = await graphql(HEAVY_NESTED, { first }, staffToken);
      requests.push({ body: body(HEAVY_NESTED, { first }), expectedData: JSON.stringify(data) });
    }
    const staffCallers: Record<string, string>[] = [];
    for (let i = 1; i <= sizes.staff; i++) {
      const identity = { ...BENCH_CALLER, subject: `bench-staff-${i}` };
      const token = await setup.mint({ subject: identity.subject, kind: 'staff', scopes: identity.scopes, ttlSeconds: 24 * 3600 });
      staffCallers.push(callerHeaders({ authorization: `Bearer ${token}` }, identity));
    }
    workloads.push({
      key: 'heavy',
      name: 'Heavy nested: staff order screens',
      description: `The newest orders (\`first\` from 10 to ${9 + sizes.heavyBodies}, one body each) → lines → SKU (stock levels per warehouse) → product → brand/category/fitments, payments, and each member → their orders → lines → SKU → product → brand; each request as one of ${staffCallers.length} staff callers (the same scopes, their own tokens), drawn at random.`,
      requests,
      callers: staffCallers,
      burst: false,
      callerProbe: [],
    });
  }
  if (selected('partner')) {
    const partners = await partnerCallers(setup, graphql, callerHeaders);
    workloads.push({
      key: 'partner',
      name: 'Partner: catalogue pages over API keys',
      description: `The light workload's pages (${search!.pages.length} distinct variable sets), each request sent with one of ${partners.length} partner API keys (\`x-api-key\`, scopes ${PARTNER_SCOPES.join(' ')}, created through our router with \`createApiKey\`), drawn at random.`,
      requests: searchRequests(),
      callers: partners,
      burst: false,
      callerProbe: [],
    });
  }
  if (selected('burst')) {
    const variables = LIGHT_VARIABLES[1]!;
    const data = await graphql(PRODUCT_SEARCH, variables, staffToken);
    workloads.push({
      key: 'burst',
      name: 'Burst: a popular page under a burst',
      description: `A popular page under a burst: every client sends the same body (contract \`ProductSearch\`, ${JSON.stringify(variables)}) as the same staff caller, so a router that answers identical in-flight requests once is measured at what it does best. Not traffic as the long-tail reads model it.`,
      requests: [{ body: body(PRODUCT_SEARCH, variables), expectedData: JSON.stringify(data) }],
      callers: [staff],
      burst: true,
      callerProbe: [],
    });
  }
  for (const workload of workloads) {
    const bytes = workload.requests.reduce((sum, req) => sum + (req.expectedData?.length ?? 0), 0);
    progress(
      `  ${workload.name}: ${workload.requests.length} bodies, ${workload.callers.length} callers, answers of ${Math.round(bytes / workload.requests.length / 1024)} KB on average`,
    );
  }
  return {
    workloads,
    orders: shop.orders.length,
    members: shop.members.length,
    emptySearchShare: search ? search.empty / search.pages.length : null,
  };
}

/**
 * The first order read by another member: our router answers null (a member
 * sees only their own orders); a router that sent any other caller on, such as
 * the staff identity a peer falls back to, would answer the order.
 */
async function foreignOrderProbe(
  graphql: ReturnType<typeof graphqlAt>,
  shop: Shop,
  members: Record<string, string>[],
): Promise<LoadRequest[]> {
  const order = shop.orders[0];
  const other = shop.members.findIndex((member) => member !== order?.member);
  if (!order || other < 0) return [];
  const data = await graphql(ORDER_DETAIL, { id: order.id }, shop.members[other]!.token);
  if (JSON.stringify(data) !== '{"order":null}')
    throw new Error(`a member read another member's order: ${JSON.stringify(data).slice(0, 200)}`);
  return [{ body: body(ORDER_DETAIL, { id: order.id }), expectedData: JSON.stringify(data), headers: members[other]! }];
}

/** Sends each probe once; a description of the first answer that differs from its reference, or null. */
export async function probeCallers(url: string, probe: LoadRequest[]): Promise<string | null> {
  for (const request of probe) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json' },
      body: request.body,
    });
    const answer = (await response.json()) as { data?: unknown; errors?: unknown };
    if (response.status !== 200 || answer.errors || JSON.stringify(answer.data) !== request.expectedData) {
      return `the caller check failed (the subgraphs did not see the request's own caller): HTTP ${response.status} ${JSON.stringify(answer).slice(0, 200)}`;
    }
  }
  return null;
}

type Category = { id: string; children?: Category[] };
const categoryIds = (categories: Category[]): string[] => categories.flatMap((c) => [c.id, ...categoryIds(c.children ?? [])]);

/** Partner keys created through our router by staff with members:write; each caller is the key and the identity our router makes of it. */
async function partnerCallers(
  setup: ReadSetup,
  graphql: ReturnType<typeof graphqlAt>,
  callerHeaders: (credential: Record<string, string>, identity: Identity) => Record<string, string>,
): Promise<Record<string, string>[]> {
  const admin = await setup.mint({ subject: 'bench-setup', kind: 'staff', scopes: ['members:write'] });
  const callers: Record<string, string>[] = [];
  for (let i = 1; i <= setup.sizes.partners; i++) {
    const { createApiKey } = await graphql<{
      createApiKey: { apiKey: { id: string; scopes: string[] } | null; secret: string | null; userErrors: unknown[] };
    }>(CREATE_API_KEY, { input: { name: `Bench partner ${i}`, scopes: PARTNER_SCOPES } }, admin);
    if (!createApiKey.apiKey || !createApiKey.secret) throw new Error(`createApiKey: ${JSON.stringify(createApiKey.userErrors)}`);
    // As router/auth/identity.ts makes it of the key: kind partner, the key's id, the key's scopes.
    callers.push(
      callerHeaders(
        { 'x-api-key': createApiKey.secret },
        { kind: 'partner', subject: createApiKey.apiKey.id, scopes: createApiKey.apiKey.scopes },
      ),
    );
  }
  return callers;
}
