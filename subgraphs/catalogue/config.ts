import type { CommonConfig } from '../../platform/config/common.ts';
import { declareSettings, wholeNumber } from '../../platform/config/env.ts';

/**
 * The catalogue's own settings: the bounds on product pictures staff upload
 * (product-images.ts). The pictures arrive as base64 in a GraphQL request, and
 * both the router (MAX_BODY_BYTES) and the subgraph read at most 1 MiB of
 * body, so the byte cap stops at 720 KiB: its base64 (960 KiB) still fits with
 * the rest of the request.
 */

export type CatalogueSettings = {
  /** PRODUCT_IMAGE_MAX_BYTES: the largest picture accepted, in bytes after base64 decoding. */
  productImageMaxBytes: number;
  /** PRODUCT_IMAGE_MAX_DIMENSION: the most pixels a picture may be wide or high, as its header says. */
  productImageMaxDimension: number;
  /** PRODUCT_IMAGES_PER_PRODUCT: the most pictures one product may have. */
  productImagesPerProduct: number;
};

/** The most PRODUCT_IMAGE_MAX_BYTES may be; the base64 argument's text limit is derived from it (server.ts). */
export const PRODUCT_IMAGE_BYTES_CEILING = 720 * 1024;

const maxBytes = wholeNumber('PRODUCT_IMAGE_MAX_BYTES', {
  default: 512 * 1024,
  min: 1024,
  max: PRODUCT_IMAGE_BYTES_CEILING,
  unit: 'bytes',
  description:
    'Largest product picture staff may upload (`addProductImage`, decoded bytes); beyond it the user error `IMAGE_TOO_LARGE`. ' +
    'At most 720 KiB, so the base64 text fits in the 1 MiB request body.',
});
const maxDimension = wholeNumber('PRODUCT_IMAGE_MAX_DIMENSION', {
  default: 4096,
  min: 16,
  max: 16384,
  unit: 'pixels',
  description: 'Widest and highest product picture accepted, read from its header; beyond it `IMAGE_DIMENSIONS_TOO_LARGE`.',
});
const perProduct = wholeNumber('PRODUCT_IMAGES_PER_PRODUCT', {
  default: 12,
  min: 1,
  max: 50,
  description: 'Most pictures one product may have; another upload is refused with `TOO_MANY_IMAGES`.',
});

export const catalogueSettings = declareSettings<CommonConfig, CatalogueSettings>({
  readBy: 'catalogue',
  settings: [maxBytes, maxDimension, perProduct],
  build: (read) => ({
    productImageMaxBytes: read(maxBytes),
    productImageMaxDimension: read(maxDimension),
    productImagesPerProduct: read(perProduct),
  }),
});
