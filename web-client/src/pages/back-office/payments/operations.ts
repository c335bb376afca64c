import { graphql } from '../../../gql/index.ts';

export const FinancePaymentFields = graphql(`
  fragment FinancePaymentFields on Payment {
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
    outTradeNo
    transferReference
    providerReference
    paidAt
    createdAt
  }
`);

/** One id, read both ways: the payment with that id, or the payments of the order with that id. */
export const FinancePaymentLookup = graphql(`
  query FinancePaymentLookup($id: ID!) {
    payment(id: $id) {
      ...FinancePaymentFields
      order {
        id
        number
      }
    }
    order(id: $id) {
      id
      number
      payments {
        ...FinancePaymentFields
      }
    }
  }
`);

export const PaymentCallbackReviews = graphql(`
  query PaymentCallbackReviews($first: Int, $after: String) {
    paymentCallbackReviews(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          provider
          reason
          headers
          body
          receivedAt
        }
      }
    }
  }
`);

export const ReconcileStatement = graphql(`
  mutation ReconcileStatement($input: ReconcileStatementInput!) {
    reconcileStatement(input: $input) {
      report {
        id
        channel
        periodStart
        periodEnd
        matched
        settledPayments
        ignoredRows
        missingInStatement {
          paymentId
          outTradeNo
          amount {
            amount
            currencyCode
          }
        }
        missingInLedger {
          providerReference
          outTradeNo
          note
          amount {
            amount
            currencyCode
          }
        }
        amountMismatches {
          paymentId
          providerReference
          ours {
            amount
            currencyCode
          }
          theirs {
            amount
            currencyCode
          }
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);
