import { graphql } from '../../gql/index.ts';

/** The SKU codes of one page of products (a search narrows them): the table's rows are these SKUs' levels. */
export const DashboardSkuPage = graphql(`
  query DashboardSkuPage($search: String, $first: Int!, $after: String) {
    products(filter: { search: $search }, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          skus {
            code
          }
        }
      }
    }
  }
`);

export const DashboardStockLevels = graphql(`
  query DashboardStockLevels($skuCodes: [String!]!) {
    stockLevels(skuCodes: $skuCodes) {
      sku {
        code
        name
        product {
          id
          name
        }
      }
      warehouse {
        id
        code
        name
      }
      onHand
      reserved
      available
      reorderPoint
    }
  }
`);

/** The headline figures: levels at or under their reorder point, and stock on hand valued per warehouse. */
export const DashboardHeadline = graphql(`
  query DashboardHeadline {
    lowStockLevels {
      sku {
        code
      }
      warehouse {
        id
        code
      }
      available
      reserved
      reorderPoint
    }
    stockValuation {
      lines {
        warehouse {
          id
          code
          name
        }
        units
        value {
          amount
          currencyCode
        }
      }
      uncostedLevels
    }
  }
`);

export const DashboardStockChanged = graphql(`
  subscription DashboardStockChanged {
    stockChanged {
      sku {
        code
        name
      }
      warehouse {
        id
        code
      }
      onHand
      reserved
      available
      delta
      kind
      reason
      at
    }
  }
`);
