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
