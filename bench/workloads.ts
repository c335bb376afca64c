/**
 * The benchmark's operations: the load generator draws each request from a
 * workload's list at random (read-workloads.ts builds the lists), with the
 * reference answers captured once from our router. The operations are the public contract's (test/contract/),
 * copied here so the benchmark reads nothing outside this repository.
 */
/** The catalogue page with stock: contract ProductSearch (catalogue, then stock for every SKU). */
export const PRODUCT_SEARCH = `query ProductSearch($search: String, $fits: VehicleInput, $categoryId: ID, $first: Int, $after: String) {
  products(filter: { search: $search, fitsVehicle: $fits, categoryId: $categoryId }, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name brand { id name } category { id name } skus { code name price { amount currencyCode } stock { available } } } }
  }
}`;

/** Four hand-picked catalogue pages; the burst sends the second. */
export const LIGHT_VARIABLES: Record<string, unknown>[] = [
  { first: 10 },
  { search: 'brake pad', fits: { make: 'Toyota', model: 'Corolla', year: 2019 }, first: 20 },
  { search: 'filter', first: 10 },
  { search: 'spark plug', first: 10 },
];

/** Contract OrderDetail: one order across all six subgraphs. */
export const ORDER_DETAIL = `query OrderDetail($id: ID!) {
  order(id: $id) {
    id number status createdAt
    member { id name tier { name } }
    total { amount currencyCode }
    lines { sku { code product { name } } quantity lineTotal { amount currencyCode } }
    payments { id channel status amount { amount currencyCode } }
    invoices { id number status }
    history { status at note }
  }
}`;

/**
 * Deep and wide: orders → lines → sku → product → brand/category and stock,
 * each order's member → their orders → lines → sku. Tens of subgraph fetches
 * per request and a response of hundreds of kilobytes.
 */
export const HEAVY_NESTED = `query HeavyNested($first: Int!) {
  orders(first: $first) {
    totalCount
    edges { node {
      id number status createdAt
      total { amount currencyCode }
      lines {
        quantity unitPrice { amount currencyCode } lineTotal { amount currencyCode }
        sku {
          code name price { amount currencyCode } attributes { name value }
          stock { available levels { warehouse { code name } onHand reserved available } }
          product { id name description brand { id name } category { id name path } fitments { make model yearFrom yearTo } }
        }
      }
      payments { id channel status amount { amount currencyCode } }
      member {
        id name tier { name }
        orders(first: 10) { totalCount edges { node { id number status total { amount currencyCode } lines { quantity sku { code name product { name brand { name } } } } } } }
      }
    } }
  }
}`;

/** Contract PlaceOrder: checkout, which reserves stock for every line or none (INSUFFICIENT_STOCK). */
export const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order {
      id
      number
      status
      total { amount currencyCode }
      lines {
        sku { code name product { name } }
        quantity
        unitPrice { amount currencyCode }
        lineTotal { amount currencyCode }
      }
      reservationExpiresAt
    }
    userErrors { code field message }
  }
}`;

/** Contract LiveStock: one event per change of a level of the given SKUs, other subgraphs' fields resolved per event. */
export const LIVE_STOCK = `subscription LiveStock($skuCodes: [String!]) {
  stockChanged(skuCodes: $skuCodes) {
    sku { code name product { name } }
    warehouse { code }
    onHand
    reserved
    available
    delta
    reason
    at
  }
}`;

export const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
