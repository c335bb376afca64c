import { graphql } from '../../gql/index.ts';

export const StoreVehicles = graphql(`
  query StoreVehicles {
    vehicles {
      make
      model
      yearFrom
      yearTo
    }
  }
`);

export const StoreSuggestions = graphql(`
  query StoreSuggestions($prefix: String!) {
    searchSuggestions(prefix: $prefix, first: 8) {
      text
      kind
    }
  }
`);

/** What a result shows of a product, whether searched or browsed. */
export const StoreProduct = graphql(`
  fragment StoreProduct on Product {
    id
    name
    brand {
      id
      name
    }
    category {
      id
      name
    }
    skus {
      code
      name
      price {
        amount
        currencyCode
      }
      stock {
        available
      }
    }
  }
`);

/** Browsing without words (productSearch needs some): every product, or those fitting the chosen vehicle. */
export const StoreBrowse = graphql(`
  query StoreBrowse($filter: ProductFilter, $first: Int!, $after: String) {
    products(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...StoreProduct
        }
      }
    }
  }
`);

export const StoreSearch = graphql(`
  query StoreSearch($query: String!, $filter: ProductFilter, $price: PriceRangeInput, $first: Int!, $after: String) {
    productSearch(query: $query, filter: $filter, price: $price, first: $first, after: $after, facetLimit: 8) {
      totalCount
      truncated
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...StoreProduct
        }
      }
      facets {
        resultKey
        brands {
          brand {
            id
            name
          }
          count
        }
        categories {
          category {
            id
            name
          }
          count
        }
        priceRanges {
          label
          min
          max
          count
        }
        inStock {
          inStock
          outOfStock
        }
      }
    }
  }
`);
