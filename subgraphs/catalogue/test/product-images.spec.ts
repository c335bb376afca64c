import { createHash } from 'node:crypto';
import type { DomainEvent } from '../../../platform/events/event.ts';
import { databaseTargets, reportSkippedMysql, type TestEnvironment, testEnvironment } from '../../../platform/testing/databases.ts';
import { staff, startTestSubgraph, type TestSubgraph } from '../../../platform/testing/subgraph-client.ts';
import { catalogueSubgraph } from '../server.ts';
import { type Basics, createBasics, createProduct, productInput, type UserError, writer } from './fixtures.ts';
import { HOSTILE_IMAGES, JPEG_3X2, pngOf, WEBP_3X2 } from './images.ts';

/**
 * Staff upload, remove and reorder a product's pictures (product-images.ts).
 * The bytes are checked by their own signature and structure, every refusal
 * has its own code and writes nothing, and every change announces the
 * product through the outbox.
 */
const IMAGE = 'image { id url alt width height contentType }';
const ADD = `mutation ($input: AddProductImageInput!) { addProductImage(input: $input) {
  ${IMAGE} product { id images { id url } } userErrors { code field message } } }`;
const REMOVE = `mutation ($input: RemoveProductImageInput!) { removeProductImage(input: $input) {
  product { id images { id url } } userErrors { code field message } } }`;
const REORDER = `mutation ($input: ReorderProductImagesInput!) { reorderProductImages(input: $input) {
  product { id images { id url } } userErrors { code field message } } }`;

type Image = { id: string; url: string; alt: string; width: number; height: number; contentType: string };
type Payload = { image?: Image | null; product: { id: string; images: { id: string; url: string }[] } | null; userErrors: UserError[] };

const PER_PRODUCT = 4;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(databaseTargets())('product pictures on $label', (target) => {
  let env: TestEnvironment;
  let catalogue: TestSubgraph;
  let basics: Basics;
  const heard: DomainEvent[] = [];

  const mutate = async (document: string, input: Record<string, unknown>, identity = writer) => {
    const result = await catalogue.request<Record<string, Payload>>(document, { input }, identity);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data!)[0]!;
  };
  const add = (productId: string, bytes: Buffer, alt = 'A picture') => mutate(ADD, { productId, data: bytes.toString('base64'), alt });
  const storedImages = async () => {
    const [row] = await catalogue.server.db.execute<{ n: unknown }>(catalogue.server.db.fork(), 'select count(*) as n from product_image');
    return Number(row!.n);
  };
  let made = 0;
  const newProduct = async () => {
    made += 1;
    const skus = [{ code: `IMG-${made}`, name: 'One', price: { amount: '10.00', currencyCode: 'CNY' } }];
    return (await createProduct(catalogue, productInput(basics, { skus }))).id;
  };

  beforeAll(async () => {
    env = testEnvironment(target, { PRODUCT_IMAGES_PER_PRODUCT: String(PER_PRODUCT), PRODUCT_IMAGE_MAX_BYTES: String(64 * 1024) });
    catalogue = await startTestSubgraph(catalogueSubgraph, env.config);
    catalogue.server.bus.subscribe('*', (event) => {
      heard.push(event);
    });
    basics = await createBasics(catalogue);
  });
  afterAll(async () => {
    await catalogue?.close();
    await env?.cleanup();
  });

  it('stores a PNG, a JPEG and a WebP with what their bytes say, in upload order, each URL naming its bytes', async () => {
    const productId = await newProduct();
    const png = pngOf(40, 30);
    const added = [await add(productId, png, 'Front view'), await add(productId, JPEG_3X2), await add(productId, WEBP_3X2)];
    for (const payload of added) expect(payload.userErrors).toEqual([]);
    expect(added.map((payload) => payload.image)).toEqual([
      { id: expect.any(String), url: `/images/${sha256(png)}`, alt: 'Front view', width: 40, height: 30, contentType: 'image/png' },
      { id: expect.any(String), url: `/images/${sha256(JPEG_3X2)}`, alt: 'A picture', width: 3, height: 2, contentType: 'image/jpeg' },
      { id: expect.any(String), url: `/images/${sha256(WEBP_3X2)}`, alt: 'A picture', width: 3, height: 2, contentType: 'image/webp' },
    ]);
    expect(added[2]!.product!.images.map((image) => image.id)).toEqual(added.map((payload) => payload.image!.id));
    const [row] = await catalogue.server.db.execute<{ bytes: Uint8Array }>(
      catalogue.server.db.fork(),
      'select bytes from product_image where id = ?',
      [added[0]!.image!.id],
    );
    expect(Buffer.from(row!.bytes).equals(png)).toBe(true);
  });

  it('announces the product through the outbox at every change', async () => {
    const productId = await newProduct();
    await catalogue.server.relay.drain();
    heard.length = 0;
    const added = await add(productId, pngOf(8, 8, 1));
    await mutate(REORDER, { productId, imageIds: [added.image!.id] });
    await mutate(REMOVE, { productId, imageId: added.image!.id });
    await catalogue.server.relay.drain();
    expect(heard.map((event) => [event.type, event.key])).toEqual([
      ['ProductChanged', productId],
      ['ProductChanged', productId],
      ['ProductChanged', productId],
    ]);
  });

  it.each(Object.entries(HOSTILE_IMAGES))('refuses %s with its own code and stores nothing', async (_, { bytes, code }) => {
    const productId = await newProduct();
    const before = await storedImages();
    const payload = await add(productId, bytes);
    expect(payload).toEqual({ image: null, product: null, userErrors: [expect.objectContaining({ code, field: 'input.data' })] });
    expect(await storedImages()).toBe(before);
  });

  it('refuses too many bytes, too many pixels, text that is not base64, and a blank alt, each with its own code', async () => {
    const productId = await newProduct();
    const before = await storedImages();
    const refusals = [
      [await add(productId, Buffer.alloc(64 * 1024 + 1, 0x89)), 'IMAGE_TOO_LARGE'],
      [await add(productId, Buffer.concat([pngOf(4, 4), Buffer.alloc(64 * 1024)])), 'IMAGE_TOO_LARGE'],
      [await add(productId, pngOf(4097, 1)), 'IMAGE_DIMENSIONS_TOO_LARGE'],
      [await mutate(ADD, { productId, data: `data:image/png;base64,${pngOf(2, 2).toString('base64')}`, alt: 'x' }), 'IMAGE_NOT_BASE64'],
      [await mutate(ADD, { productId, data: '', alt: 'x' }), 'IMAGE_NOT_BASE64'],
      [await add(productId, pngOf(2, 2), '   '), 'INVALID_VALUE'],
    ] as const;
    for (const [payload, code] of refusals) expect(payload.userErrors.map((error) => error.code)).toEqual([code]);
    expect(await storedImages()).toBe(before);
  });

  it('refuses a picture past PRODUCT_IMAGES_PER_PRODUCT, and one for an unknown product', async () => {
    const productId = await newProduct();
    for (let i = 0; i < PER_PRODUCT; i += 1) expect((await add(productId, pngOf(2, 2, i))).userErrors).toEqual([]);
    const before = await storedImages();
    expect((await add(productId, pngOf(2, 2, 50))).userErrors).toEqual([expect.objectContaining({ code: 'TOO_MANY_IMAGES' })]);
    expect((await add('no-such-product', pngOf(2, 2))).userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PRODUCT' })]);
    expect(await storedImages()).toBe(before);
  });

  it('removes and reorders, refusing an unknown picture and an order that does not name each picture once', async () => {
    const productId = await newProduct();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await add(productId, pngOf(2, 2, 100 + i))).image!.id);
    const [first, second, third] = ids as [string, string, string];
    const reordered = await mutate(REORDER, { productId, imageIds: [third, first, second] });
    expect(reordered.product!.images.map((image) => image.id)).toEqual([third, first, second]);
    for (const imageIds of [
      [third, first],
      [third, first, first],
      [third, first, second, second],
      [third, first, 'other'],
    ]) {
      expect((await mutate(REORDER, { productId, imageIds })).userErrors).toEqual([
        expect.objectContaining({ code: 'IMAGE_ORDER_MISMATCH' }),
      ]);
    }
    const removed = await mutate(REMOVE, { productId, imageId: first });
    expect(removed.product!.images.map((image) => image.id)).toEqual([third, second]);
    expect((await mutate(REMOVE, { productId, imageId: first })).userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_IMAGE' })]);
    // Another product's picture is not this product's to remove.
    const other = await newProduct();
    expect((await mutate(REMOVE, { productId: other, imageId: second })).userErrors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_IMAGE' }),
    ]);
    // After a removal the positions have no gap: the next upload goes last.
    const next = await add(productId, pngOf(2, 2, 104));
    expect(next.product!.images.map((image) => image.id)).toEqual([third, second, next.image!.id]);
  });

  it('is for staff who may write the catalogue', async () => {
    const productId = await newProduct();
    const result = await catalogue.request(
      ADD,
      { input: { productId, data: pngOf(2, 2).toString('base64'), alt: 'x' } },
      staff('catalogue:read'),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('product pictures on MySQL', () => {
  reportSkippedMysql();
});
