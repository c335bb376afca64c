import { createHash } from 'node:crypto';
import { databaseTargets, reportSkippedMysql } from '../platform/testing/databases.ts';
import { eventually } from '../platform/testing/eventually.ts';
import { pngOf } from '../subgraphs/catalogue/test/images.ts';
import { routerMetric } from './support/router-metrics.ts';
import { startTestSystem, type TestSystem } from './support/system.ts';

/**
 * Product pictures end to end, through the real router: staff upload one, the
 * product's answer lists it (also for other callers, once ProductChanged has
 * dropped the entity cache's kept answer), the router serves its bytes at the
 * URL with immutable caching, an ETag and a 304 for a revalidation, and once
 * removed its URL answers 404.
 */
const PRODUCT = 'query ($id: ID!) { product(id: $id) { id images { url alt width height } } }';
const ADD = `mutation ($input: AddProductImageInput!) { addProductImage(input: $input) {
  image { id url } userErrors { code message } } }`;
const REMOVE = `mutation ($input: RemoveProductImageInput!) { removeProductImage(input: $input) {
  product { images { url } } userErrors { code message } } }`;

type Images = { url: string; alt: string; width: number; height: number }[];

/** A counter of the router's /metrics, summed over its label sets (or one event's). */
describe.each(databaseTargets())('product pictures through the router on $label', (target) => {
  let system: TestSystem;
  let staff: string;
  let productId: string;

  beforeAll(async () => {
    // On MySQL with AMQP_URL set, the events travel through RabbitMQ, as between distributed processes.
    const amqp: Record<string, string> = target.mysqlUrl && process.env.AMQP_URL ? { AMQP_URL: process.env.AMQP_URL } : {};
    system = await startTestSystem(target, { SEED_DEMO_DATA: 'true', ENTITY_CACHE: 'on', ...amqp });
    staff = await system.staffToken(['catalogue:write', 'catalogue:read']);
    const { body } = await system.graphql<{ products: { edges: { node: { id: string } }[] } }>(
      '{ products(first: 1) { edges { node { id } } } }',
    );
    productId = body.data!.products.edges[0]!.node.id;
  });
  afterAll(async () => {
    await system?.close();
  });

  /** The product's pictures as any shopper (no token) reads them. */
  const shopperImages = async () => {
    const { status, body } = await system.graphql<{ product: { images: Images } }>(PRODUCT, { id: productId });
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data!.product.images;
  };
  const get = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(new URL(url, system.system.routerUrl), { method, headers });
  const eventsHeard = () => routerMetric(system, 'router_entity_cache_events', 'ProductChanged');

  it('serves the demo picture a seeded product shows, as the PNG it is', async () => {
    const [picture] = await shopperImages();
    expect(picture).toEqual({ url: expect.stringMatching(/^\/images\/[0-9a-f]{64}$/), alt: expect.any(String), width: 160, height: 120 });
    const response = await get(picture!.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(picture!.url.slice('/images/'.length));
  });

  it('lists an upload for every caller once its event has dropped the kept answer, serves it cached forever, and forgets it once removed', async () => {
    const before = await shopperImages();
    // Kept now (product(id:) is a cached root field): a read is served from the router's memory. Read until one is,
    // since the router keeps answers only once it listens to the events (over RabbitMQ that may take a moment).
    // A repeated read is served whole (a kept answer stands for its root-field fetch) or by its root-field fetch.
    const served = async () =>
      (await routerMetric(system, 'router_entity_cache_root_hits')) + (await routerMetric(system, 'router_entity_cache_answer_hits'));
    const hits = await served();
    await eventually(
      async () => {
        expect(await shopperImages()).toEqual(before);
        return (await served()) > hits;
      },
      'a read served from the entity cache',
      { timeoutMs: 10_000, intervalMs: 100 },
    );

    const png = pngOf(64, 48, 7);
    const hash = createHash('sha256').update(png).digest('hex');
    const heard = await eventsHeard();
    const added = await system.graphql<{ addProductImage: { image: { id: string; url: string }; userErrors: unknown[] } }>(
      ADD,
      { input: { productId, data: png.toString('base64'), alt: 'Seen from above' } },
      staff,
    );
    expect(added.body.errors).toBeUndefined();
    expect(added.body.data!.addProductImage.userErrors).toEqual([]);
    const { id: imageId, url } = added.body.data!.addProductImage.image;
    expect(url).toBe(`/images/${hash}`);

    await eventually(async () => (await eventsHeard()) > heard, 'the router heard ProductChanged', { timeoutMs: 10_000 });
    expect(await shopperImages()).toEqual([...before, { url, alt: 'Seen from above', width: 64, height: 48 }]);

    const response = await get(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
    expect(
      Object.fromEntries(
        ['content-type', 'cache-control', 'etag', 'x-content-type-options'].map((name) => [name, response.headers.get(name)]),
      ),
    ).toEqual({
      'content-type': 'image/png',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${hash}"`,
      'x-content-type-options': 'nosniff',
    });
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain('sandbox');

    const head = await get(url, {}, 'HEAD');
    expect([head.status, head.headers.get('content-length'), head.headers.get('etag')]).toEqual([200, String(png.length), `"${hash}"`]);
    const revalidated = await get(url, { 'if-none-match': `"${hash}"` });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(`"${hash}"`);
    expect((await revalidated.arrayBuffer()).byteLength).toBe(0);
    // Another ETag is not this picture's: the bytes come again.
    expect((await get(url, { 'if-none-match': `"${'0'.repeat(64)}"` })).status).toBe(200);

    const heardBeforeRemoval = await eventsHeard();
    const removed = await system.graphql<{ removeProductImage: { product: { images: { url: string }[] }; userErrors: unknown[] } }>(
      REMOVE,
      { input: { productId, imageId } },
      staff,
    );
    expect(removed.body.data!.removeProductImage.userErrors).toEqual([]);
    expect(removed.body.data!.removeProductImage.product.images.map((image) => image.url)).not.toContain(url);
    const gone = await get(url);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('IMAGE_NOT_FOUND');
    await eventually(async () => (await eventsHeard()) > heardBeforeRemoval, 'the router heard ProductChanged', { timeoutMs: 10_000 });
    expect(await shopperImages()).toEqual(before);
  });

  it('answers a path that cannot name a picture 400, an unknown picture 404, and a write 405', async () => {
    const codeOf = async (response: Response) =>
      ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;
    for (const path of ['/images/abc', `/images/${'A'.repeat(64)}`, `/images/${'a'.repeat(64)}/more`, `/images/${'a'.repeat(65)}`]) {
      const response = await get(path);
      expect([path, response.status, await codeOf(response)]).toEqual([path, 400, 'INVALID_IMAGE_HASH']);
    }
    const unknown = await get(`/images/${'a'.repeat(64)}`);
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, 'IMAGE_NOT_FOUND']);
    const [picture] = await shopperImages();
    const write = await fetch(new URL(picture!.url, system.system.routerUrl), { method: 'POST', body: 'x' });
    expect([write.status, write.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});

describe('product pictures through the router on MySQL', () => {
  reportSkippedMysql();
});
