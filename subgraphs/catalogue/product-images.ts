import { transactWithRetry } from '../../platform/db/raw-sql.ts';
import { failed, succeeded, type UserError } from '../../platform/graphql/user-errors.ts';
import { newId } from '../../platform/values/ids.ts';
import type { CatalogueContext } from './context.ts';
import { ProductEntity } from './entities/product.entity.ts';
import { recordProductChanged } from './events.ts';
import { checkImage } from './image-input.ts';
import { deleteImage, imageIdsOf, insertImages, lockProduct, type ProductImage, setImageOrder } from './image-repository.ts';
import { type CatalogueErrorCode, checkText, LIMITS, newErrors } from './product-input.ts';

/**
 * Staff manage a product's pictures: upload (base64, checked by
 * image-input.ts), remove and reorder. Each change runs in one transaction
 * that first takes the product's row lock, rewrites the pictures, touches the
 * product and records ProductChanged, so the router's entity cache drops the
 * product's answers (docs/architecture.md §12). A picture's URL names its
 * bytes' hash, so it can be cached forever: a changed picture is a new URL.
 */

/** Where the router serves a picture's bytes (router/product-images.ts). */
export const imageUrl = (image: Pick<ProductImage, 'contentHash'>) => `/images/${image.contentHash}`;

export const imagesOf = (ctx: CatalogueContext, productId: string) => ctx.loaders.imagesByProductId.load(productId);

type Failure = { errors: UserError<CatalogueErrorCode>[] };
type Outcome = Failure | { imageId: string | null };

const unknownProduct = (productId: string): Failure => ({
  errors: [{ code: 'UNKNOWN_PRODUCT', field: 'input.productId', message: `no product with id "${productId}"` }],
});

/** Runs one change of `productId`'s pictures, then answers the product (and the picture added) or the user errors. */
async function changeImages(
  ctx: CatalogueContext,
  productId: string,
  change: (em: CatalogueContext['em'], ids: string[]) => Promise<Outcome>,
) {
  const outcome = await transactWithRetry(ctx.db, ctx.em, async (em) => {
    if (!(await lockProduct(ctx.db, em, productId))) return unknownProduct(productId);
    const result = await change(em, await imageIdsOf(ctx.db, em, productId));
    if ('errors' in result) return result;
    // refresh: a retried attempt must not take the entity the failed attempt touched from the identity map.
    const product = await em.findOneOrFail(ProductEntity, { id: productId }, { refresh: true });
    product.updatedAt = new Date();
    await recordProductChanged(ctx.events, em, productId);
    return { ...result, product };
  });
  if ('errors' in outcome) return { image: null, ...failed('product', outcome.errors) };
  // The request's loaders read before the change; the payload shows the product after it.
  ctx.loaders.imagesByProductId.clear(productId);
  const images = await imagesOf(ctx, productId);
  return { image: images.find((image) => image.id === outcome.imageId) ?? null, ...succeeded('product', outcome.product) };
}

export async function addProductImage(ctx: CatalogueContext, input: { productId: string; data: string; alt: string }) {
  const errors = newErrors();
  const alt = checkText(errors, 'input.alt', input.alt, LIMITS.imageAlt);
  const image = checkImage(errors, input.data, ctx.config);
  if (errors.any || !image) return { image: null, ...failed('product', errors) };
  const max = ctx.config.productImagesPerProduct;
  return changeImages(ctx, input.productId, async (em, ids) => {
    if (ids.length >= max) {
      return { errors: [{ code: 'TOO_MANY_IMAGES', field: 'input.productId', message: `a product may have at most ${max} pictures` }] };
    }
    const id = newId();
    const { bytes, contentHash, contentType, width, height } = image;
    await insertImages(
      ctx.db,
      em,
      [{ id, productId: input.productId, position: ids.length, contentHash, contentType, width, height, alt, bytes }],
      new Date(),
    );
    return { imageId: id };
  });
}

export function removeProductImage(ctx: CatalogueContext, input: { productId: string; imageId: string }) {
  return changeImages(ctx, input.productId, async (em, ids) => {
    if (!ids.includes(input.imageId) || (await deleteImage(ctx.db, em, input.productId, input.imageId)) === 0) {
      return {
        errors: [{ code: 'UNKNOWN_IMAGE', field: 'input.imageId', message: `the product has no picture with id "${input.imageId}"` }],
      };
    }
    // Close the gap, so positions stay 0, 1, 2, ... and the next upload goes last.
    await setImageOrder(
      ctx.db,
      em,
      input.productId,
      ids.filter((id) => id !== input.imageId),
    );
    return { imageId: null };
  });
}

export async function reorderProductImages(ctx: CatalogueContext, input: { productId: string; imageIds: string[] }) {
  const mismatch = (message: string) => ({ errors: [{ code: 'IMAGE_ORDER_MISMATCH' as const, field: 'input.imageIds', message }] });
  const max = ctx.config.productImagesPerProduct;
  // A list longer than any product's pictures is refused before the transaction reads anything.
  if (input.imageIds.length > max) {
    return { image: null, ...failed('product', mismatch(`input.imageIds must list the product's pictures, at most ${max}`).errors) };
  }
  return changeImages(ctx, input.productId, async (em, ids) => {
    const named = new Set(input.imageIds);
    if (named.size !== input.imageIds.length || ids.length !== input.imageIds.length || ids.some((id) => !named.has(id))) {
      return mismatch(`input.imageIds must list each of the product's ${ids.length} pictures exactly once`);
    }
    await setImageOrder(ctx.db, em, input.productId, input.imageIds);
    return { imageId: null };
  });
}
