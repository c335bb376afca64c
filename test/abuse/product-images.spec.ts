import { HOSTILE_IMAGES, pngOf } from '../../subgraphs/catalogue/test/images.ts';
import { expectWellBehavedQueryAnswered } from '../support/abuse.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/**
 * Product picture uploads (addProductImage) are a new way to store bytes that
 * the router then serves to every shopper, so every hostile upload is refused
 * through the real router with its own code, stores nothing, and leaves the
 * router answering others: callers who are not catalogue staff, bytes past
 * the cap (and a body past the router's), pictures past the pixel cap, bytes
 * that are not PNG, JPEG or WebP (an SVG or HTML page, whatever it is called),
 * a PNG signature before an HTML page, a PNG with a page appended, pictures
 * cut short, text that is not base64, and a product's picture past its cap.
 */
const ADD = `mutation ($input: AddProductImageInput!) { addProductImage(input: $input) {
  image { id } product { id } userErrors { code field message } } }`;

type Payload = { addProductImage: { image: unknown; product: unknown; userErrors: { code: string; field: string | null }[] } };

describe('hostile product picture uploads', () => {
  let system: TestSystem;
  let staff: string;
  let productId: string;

  beforeAll(async () => {
    system = await startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true', PRODUCT_IMAGES_PER_PRODUCT: '2' });
    staff = await system.staffToken(['catalogue:write']);
    const { body } = await system.graphql<{ products: { edges: { node: { id: string } }[] } }>(
      '{ products(first: 1) { edges { node { id } } } }',
    );
    productId = body.data!.products.edges[0]!.node.id;
  });
  afterAll(async () => {
    await system?.close();
  });

  const storedPictures = async (): Promise<number> => {
    const catalogue = system.system.subgraphs.find((subgraph) => subgraph.name === 'catalogue')!;
    const [row] = await catalogue.db.execute<{ n: unknown }>(catalogue.db.fork(), 'select count(*) as n from product_image');
    return Number(row!.n);
  };
  /** As catalogue staff, or as the caller whose token is given (null: no token at all). */
  const upload = (data: string, token: string | null = staff, product = productId) =>
    system.graphql<Payload>(ADD, { input: { productId: product, data, alt: 'A picture' } }, token ?? undefined);
  /** Sends the upload, expects the user error `code` and nothing stored, and a well-behaved caller still answered. */
  const expectRefused = async (data: string, code: string) => {
    const before = await storedPictures();
    const { status, body } = await upload(data);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    expect(body.data!.addProductImage).toEqual({ image: null, product: null, userErrors: [expect.objectContaining({ code })] });
    expect(await storedPictures()).toBe(before);
    await expectWellBehavedQueryAnswered(system);
  };

  it.each(Object.entries(HOSTILE_IMAGES))('refuses %s', async (_, { bytes, code }) => {
    await expectRefused(bytes.toString('base64'), code);
  });

  it('refuses bytes past PRODUCT_IMAGE_MAX_BYTES before decoding them, as IMAGE_TOO_LARGE', async () => {
    await expectRefused(Buffer.alloc(600 * 1024, 0x41).toString('base64'), 'IMAGE_TOO_LARGE');
  });

  it('refuses a body past the router’s MAX_BODY_BYTES with 413 before any subgraph reads it', async () => {
    const before = await storedPictures();
    const { status, body } = await upload(Buffer.alloc(1024 * 1024, 0x41).toString('base64'));
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await storedPictures()).toBe(before);
    await expectWellBehavedQueryAnswered(system);
  });

  it('refuses a picture whose header claims more pixels than PRODUCT_IMAGE_MAX_DIMENSION', async () => {
    await expectRefused(pngOf(20_000, 1).toString('base64'), 'IMAGE_DIMENSIONS_TOO_LARGE');
  });

  it('refuses text that is not plain base64, such as a data: URL', async () => {
    await expectRefused(`data:image/png;base64,${pngOf(2, 2).toString('base64')}`, 'IMAGE_NOT_BASE64');
    await expectRefused('<svg onload=alert(1)>', 'IMAGE_NOT_BASE64');
  });

  it('refuses a product’s picture past PRODUCT_IMAGES_PER_PRODUCT', async () => {
    const { body } = await system.graphql<{ products: { edges: { node: { id: string } }[] } }>(
      '{ products(first: 2) { edges { node { id } } } }',
    );
    const other = body.data!.products.edges[1]!.node.id;
    // The demo product has its seeded picture already; one more reaches the cap of 2.
    const first = await upload(pngOf(3, 3, 1).toString('base64'), staff, other);
    expect(first.body.data!.addProductImage.userErrors).toEqual([]);
    const before = await storedPictures();
    const refused = await upload(pngOf(3, 3, 2).toString('base64'), staff, other);
    expect(refused.body.data!.addProductImage.userErrors).toEqual([expect.objectContaining({ code: 'TOO_MANY_IMAGES' })]);
    expect(await storedPictures()).toBe(before);
  });

  it('is refused to a caller who is not catalogue staff, and stores nothing', async () => {
    const before = await storedPictures();
    const data = pngOf(2, 2, 3).toString('base64');
    const anonymous = await upload(data, null);
    expect(anonymous.body.data?.addProductImage ?? null).toBeNull();
    expect(anonymous.body.errors?.[0]?.extensions?.code).toMatch(/^(UNAUTHENTICATED|FORBIDDEN)$/);
    const member = await upload(data, await system.memberToken('member-1'));
    expect(member.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reader = await upload(data, await system.staffToken(['catalogue:read']));
    expect(reader.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await storedPictures()).toBe(before);
    await expectWellBehavedQueryAnswered(system);
  });
});
