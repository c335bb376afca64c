import { Migration } from '@mikro-orm/migrations';

/**
 * Search (docs/architecture.md §15): the part numbers mechanics
 * type (OE numbers, the maker's part number, other brands' cross references),
 * the search index (one row per product and token, written by
 * search-index-repository.ts in the transaction of the catalogue write), and
 * the merchandisers' synonym groups. Plain tables and B-tree indexes in SQL
 * both engines accept, so both answer a search with the same rows.
 */
export class CatalogueSearch extends Migration {
  override name = '0002-catalogue-search';

  override up(): void {
    this.addSql(`create table sku_part_number (
      id varchar(36) not null primary key,
      sku_code varchar(40) not null,
      kind varchar(8) not null,
      number varchar(40) not null,
      brand_name varchar(120) null,
      position int not null,
      constraint sku_part_number_sku_fk foreign key (sku_code) references sku (code))`);
    this.addSql('create index sku_part_number_sku_index on sku_part_number (sku_code, position)');

    this.addSql(`create table product_search_token (
      product_id varchar(36) not null,
      token varchar(60) not null,
      weight int not null,
      constraint product_search_token_product_fk foreign key (product_id) references product (id))`);
    this.addSql('create index product_search_token_token_index on product_search_token (token, product_id)');
    this.addSql('create index product_search_token_product_index on product_search_token (product_id)');

    this.addSql(`create table search_synonym (
      id varchar(36) not null primary key,
      phrases varchar(1000) not null,
      created_at datetime(3) not null)`);
  }
}
