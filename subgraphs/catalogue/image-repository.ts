import type { Database, EntityManager } from '../../platform/db/database.ts';
import { placeholders } from '../../platform/db/entity-rows.ts';
import { forUpdate, int } from '../../platform/db/raw-sql.ts';

/**
 * The SQL behind product pictures (product-images.ts, image-route.ts). Lists
 * never read the bytes; only the image route does, one picture at a time.
 * Every value is a bound parameter.
 */

export type ProductImage = {
  id: string;
  productId: string;
  position: number;
  contentHash: string;
  contentType: string;
  width: number;
  height: number;
  alt: string;
};

export type NewProductImage = Omit<ProductImage, 'position'> & { bytes: Buffer };

type ImageRow = {
  id: string;
  product_id: string;
  position: unknown;
  content_hash: string;
  content_type: string;
  width: unknown;
  height: unknown;
  alt: string;
};

const LISTED = 'id, product_id, position, content_hash, content_type, width, height, alt';

const imageOf = (row: ImageRow): ProductImage => ({
  id: row.id,
  productId: row.product_id,
  position: int(row.position),
  contentHash: row.content_hash,
  contentType: row.content_type,
  width: int(row.width),
  height: int(row.height),
  alt: row.alt,
});

/** The pictures of many products, each product's in display order. */
export async function imagesOfProducts(db: Database, em: EntityManager, productIds: readonly string[]): Promise<ProductImage[]> {
  if (productIds.length === 0) return [];
  const rows = await db.execute<ImageRow>(
    em,
    `select ${LISTED} from product_image where product_id in (${placeholders(productIds)}) order by product_id, position`,
    [...productIds],
  );
  return rows.map(imageOf);
}

/**
 * The bytes named by a content hash, with their type; null when no product
 * has them. `withBytes: false` answers what a HEAD or a revalidation needs, without the bytes.
 */
export async function imageContent(
  db: Database,
  em: EntityManager,
  contentHash: string,
  options: { withBytes: boolean },
): Promise<{ contentType: string; byteSize: number; bytes: Buffer | null } | null> {
  const [row] = await db.execute<{ content_type: string; byte_size: unknown; bytes?: Uint8Array }>(
    em,
    `select content_type, byte_size${options.withBytes ? ', bytes' : ''} from product_image where content_hash = ? limit 1`,
    [contentHash],
  );
  if (!row) return null;
  // node:sqlite answers a Uint8Array, mysql2 a Buffer: one type for the route.
  return {
    contentType: row.content_type,
    byteSize: int(row.byte_size),
    bytes: row.bytes ? Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) : null,
  };
}

/**
 * Takes the product's row lock and answers whether it exists: the first
 * statement of every picture change, so two changes to one product's pictures
 * (two uploads racing for the last free place, say) run one after the other.
 */
export async function lockProduct(db: Database, em: EntityManager, productId: string): Promise<boolean> {
  const rows = await db.execute(em, `select id from product where id = ?${forUpdate(db)}`, [productId]);
  return rows.length > 0;
}

/** The ids of one product's pictures in display order (inside the caller's transaction). */
export async function imageIdsOf(db: Database, em: EntityManager, productId: string): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(em, 'select id from product_image where product_id = ? order by position', [productId]);
  return rows.map((row) => row.id);
}

export async function insertImages(
  db: Database,
  em: EntityManager,
  images: readonly (NewProductImage & { position: number })[],
  now: Date,
) {
  // Several pictures a statement (the demo seed gives every product one), but at most about 1 MiB of bytes,
  // well under MySQL's packet limit; a picture is at most 720 KiB (config.ts), so a large one goes alone.
  let batch: (NewProductImage & { position: number })[] = [];
  let bytes = 0;
  for (const [index, image] of images.entries()) {
    batch.push(image);
    bytes += image.bytes.length;
    const next = images[index + 1];
    if (next && bytes + next.bytes.length <= 1024 * 1024 && batch.length < 200) continue;
    await db.run(
      em,
      `insert into product_image (id, product_id, position, content_hash, content_type, width, height, byte_size, alt, bytes, created_at)
        values ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      batch.flatMap((row) => [
        row.id,
        row.productId,
        row.position,
        row.contentHash,
        row.contentType,
        row.width,
        row.height,
        row.bytes.length,
        row.alt,
        row.bytes,
        db.sqlDate(now),
      ]),
    );
    batch = [];
    bytes = 0;
  }
}

/** Deletes one picture of one product; answers how many rows went (0: not this product's picture). */
export function deleteImage(db: Database, em: EntityManager, productId: string, imageId: string): Promise<number> {
  return db.run(em, 'delete from product_image where id = ? and product_id = ?', [imageId, productId]);
}

/** Numbers the product's pictures 0, 1, 2, ... in the order of `imageIds`. */
export async function setImageOrder(db: Database, em: EntityManager, productId: string, imageIds: readonly string[]) {
  for (const [position, id] of imageIds.entries()) {
    await db.run(em, 'update product_image set position = ? where id = ? and product_id = ?', [position, id, productId]);
  }
}
