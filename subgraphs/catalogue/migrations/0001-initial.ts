import { Migration } from '@mikro-orm/migrations';

/**
 * The catalogue's tables. Written in the SQL that SQLite and MySQL/MariaDB
 * both accept (docs/architecture.md §3: the same migrations run on both), so there is one
 * migration history, not one per engine.
 */
export class CatalogueInitial extends Migration {
  override name = '0001-catalogue-initial';

  override up(): void {
    this.addSql(`create table brand (
      id varchar(36) not null primary key,
      name varchar(120) not null,
      country varchar(80) null,
      created_at datetime(3) not null)`);
    this.addSql('create unique index brand_name_unique on brand (name)');

    this.addSql(`create table category (
      id varchar(36) not null primary key,
      parent_id varchar(36) null,
      name varchar(120) not null,
      path_ids varchar(760) not null,
      path_names varchar(1000) not null,
      depth int not null,
      created_at datetime(3) not null,
      constraint category_parent_fk foreign key (parent_id) references category (id))`);
    this.addSql('create index category_path_ids_index on category (path_ids)');
    this.addSql('create index category_parent_index on category (parent_id)');

    this.addSql(`create table supplier (
      id varchar(36) not null primary key,
      name varchar(200) not null,
      email varchar(254) null,
      phone varchar(40) null,
      created_at datetime(3) not null)`);
    this.addSql('create unique index supplier_name_unique on supplier (name)');

    this.addSql(`create table product (
      id varchar(36) not null primary key,
      name varchar(200) not null,
      description text null,
      brand_id varchar(36) not null,
      category_id varchar(36) not null,
      supplier_id varchar(36) null,
      tax_class varchar(16) not null,
      active boolean not null,
      search_text text not null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null,
      constraint product_brand_fk foreign key (brand_id) references brand (id),
      constraint product_category_fk foreign key (category_id) references category (id),
      constraint product_supplier_fk foreign key (supplier_id) references supplier (id))`);
    this.addSql('create index product_name_id_index on product (name, id)');
    this.addSql('create index product_brand_index on product (brand_id)');
    this.addSql('create index product_category_index on product (category_id)');

    this.addSql(`create table sku (
      code varchar(40) not null primary key,
      product_id varchar(36) not null,
      name varchar(200) not null,
      position int not null,
      price_minor bigint not null,
      currency char(3) not null,
      attributes_json text not null,
      created_at datetime(3) not null,
      updated_at datetime(3) not null,
      constraint sku_product_fk foreign key (product_id) references product (id))`);
    this.addSql('create index sku_product_index on sku (product_id, position)');

    this.addSql(`create table sku_price_change (
      id varchar(36) not null primary key,
      sku_code varchar(40) not null,
      previous_minor bigint null,
      previous_currency char(3) null,
      price_minor bigint not null,
      currency char(3) not null,
      changed_by varchar(120) null,
      changed_at datetime(3) not null,
      constraint sku_price_change_sku_fk foreign key (sku_code) references sku (code))`);
    this.addSql('create index sku_price_change_sku_index on sku_price_change (sku_code, changed_at)');

    this.addSql(`create table fitment (
      id varchar(36) not null primary key,
      product_id varchar(36) not null,
      make varchar(60) not null,
      model varchar(60) not null,
      year_from int not null,
      year_to int not null,
      constraint fitment_product_fk foreign key (product_id) references product (id))`);
    this.addSql('create index fitment_product_index on fitment (product_id)');
    this.addSql('create index fitment_vehicle_index on fitment (make, model)');
  }
}
