import { graphql } from '../../gql/index.ts';

/** One page (at most 100) of the orders placed since `from`, newest first: what the hourly chart starts from. */
export const DashboardRecentOrders = graphql(`
  query DashboardRecentOrders($from: DateTime!, $first: Int!) {
    orders(filter: { from: $from }, first: $first) {
      totalCount
      edges {
        node {
          ...DashboardOrder
        }
      }
    }
  }
`);

export const DashboardOrder = graphql(`
  fragment DashboardOrder on Order {
    id
    number
    status
    channel
    createdAt
    total {
      amount
      currencyCode
    }
  }
`);

export const DashboardOrderUpdated = graphql(`
  subscription DashboardOrderUpdated {
    orderUpdated {
      order {
        ...DashboardOrder
      }
      previousStatus
      at
    }
  }
`);
