import { contractOperation } from './contract.ts';

/** What the entity cache specs read and change: one SKU's page, whose catalogue parts come by entity fetch through stock. */
export const SET_SKU_PRICE = contractOperation('catalogue.graphql', 'SetSkuPrice');
export const CACHED_SKU = 'BP-TOY-COR-F';
/** A product page read through stock: the SKU's name, price and product come from catalogue by entity fetch. */
export const PRODUCT_PAGE = `query ProductPage($codes: [String!]!) {
  stockLevels(skuCodes: $codes) {
    available
    warehouse { code }
    sku { code name price { amount currencyCode } product { id name skus { code price { amount } } } }
  }
}`;
/**
 * The writer's own view of the SKU, also through an entity fetch, but another selection than the readers':
 * what the writer fetches after the write cannot refresh the readers' entries, so only the event can.
 */
export const WRITER_PAGE =
  'query WriterPage($codes: [String!]!) { stockLevels(skuCodes: $codes) { sku { code price { amount currencyCode } } } }';
