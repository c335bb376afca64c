import { graphql } from '../../../gql/index.ts';

export const BackOfficeOrders = graphql(`
  query BackOfficeOrders($filter: OrderFilter, $first: Int, $after: String) {
    orders(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          number
          status
          channel
          createdAt
          total {
            amount
            currencyCode
          }
          member {
            id
            name
          }
        }
      }
    }
  }
`);

export const BackOfficeOrder = graphql(`
  query BackOfficeOrder($id: ID!) {
    order(id: $id) {
      id
      number
      status
      channel
      createdAt
      carrier
      trackingNumber
      paymentStatus
      member {
        id
        name
      }
      subtotal {
        amount
        currencyCode
      }
      discount {
        amount
        currencyCode
      }
      total {
        amount
        currencyCode
      }
      refunded {
        amount
        currencyCode
      }
      lines {
        quantity
        returnedQuantity
        sku {
          code
          name
        }
        unitPrice {
          amount
          currencyCode
        }
        lineTotal {
          amount
          currencyCode
        }
      }
      payments {
        id
        channel
        status
        amount {
          amount
          currencyCode
        }
        refundedAmount {
          amount
          currencyCode
        }
        refunds {
          id
          status
          reason
          createdAt
          amount {
            amount
            currencyCode
          }
        }
      }
      history {
        status
        at
        note
        actor
      }
    }
  }
`);

export const BackOfficeShipOrder = graphql(`
  mutation BackOfficeShipOrder($input: ShipOrderInput!) {
    shipOrder(input: $input) {
      order {
        id
        status
        carrier
        trackingNumber
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeCompleteOrder = graphql(`
  mutation BackOfficeCompleteOrder($input: CompleteOrderInput!) {
    completeOrder(input: $input) {
      order {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeCancelOrder = graphql(`
  mutation BackOfficeCancelOrder($input: CancelOrderInput!) {
    cancelOrder(input: $input) {
      order {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeReceiveReturn = graphql(`
  mutation BackOfficeReceiveReturn($input: ReceiveReturnInput!) {
    receiveReturn(input: $input) {
      order {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeRefundPayment = graphql(`
  mutation BackOfficeRefundPayment($input: RefundPaymentInput!) {
    refundPayment(input: $input) {
      refund {
        id
        status
      }
      payment {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);
