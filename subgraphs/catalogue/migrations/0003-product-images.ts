import { Migration } from '@mikro-orm/migrations';

/**
 * Product pictures (product-images.ts), stored with the product data: the
 * bytes as uploaded (mediumblob: up to 16 MiB on MySQL/MariaDB, where a plain
 * blob stops at 64 KiB; SQLite reads any *blob* type as a blob) beside what
 * was read from them. `content_hash` is the SHA-256 of the bytes, which names
 * them in their URL (/images/<hash>); the same picture on many products is
 * one URL, served from whichever row holds it.
 */
export class CatalogueProductImages extends Migration {
  override name = '0003-catalogue-product-images';

  override up(): void {
    this.addSql(`create table product_image (
      id varchar(36) not null primary key,
      product_id varchar(36) not null,
      position int not null,
      content_hash char(64) not null,
      content_type varchar(20) not null,
      width int not null,
      height int not null,
      byte_size int not null,
      alt varchar(300) not null,
      bytes mediumblob not null,
      created_at datetime(3) not null,
      constraint product_image_product_fk foreign key (product_id) references product (id))`);
    this.addSql('create index product_image_product_index on product_image (product_id, position)');
    this.addSql('create index product_image_hash_index on product_image (content_hash)');
  }
}
