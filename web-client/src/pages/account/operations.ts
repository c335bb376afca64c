import { graphql } from '../../gql/index.ts';

export const AccountMe = graphql(`
  query AccountMe {
    me {
      id
      name
      email
      tier {
        name
      }
      points
    }
  }
`);

export const AccountOrders = graphql(`
  query AccountOrders($first: Int!, $after: String) {
    me {
      id
      orders(first: $first, after: $after) {
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
            createdAt
            total {
              amount
              currencyCode
            }
            lines {
              sku {
                code
                name
              }
              quantity
              returnedQuantity
            }
            history {
              status
              at
              note
            }
            invoices {
              id
              kind
              number
              status
              requestedAt
              issuedAt
              rejectionReason
            }
          }
        }
      }
    }
  }
`);

export const AccountPoints = graphql(`
  query AccountPoints($first: Int!, $after: String) {
    me {
      id
      pointsLedger(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            delta
            reason
            createdAt
            expiresAt
          }
        }
      }
    }
  }
`);

export const AccountCoupons = graphql(`
  query AccountCoupons {
    me {
      id
      coupons {
        code
        description
        redeemed
        validUntil
      }
    }
  }
`);

export const AccountRequestInvoice = graphql(`
  mutation AccountRequestInvoice($input: RequestInvoiceInput!) {
    requestInvoice(input: $input) {
      invoice {
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

/** Asked just before a download: the PDF link is signed for a short while, so it is never kept. */
export const AccountInvoicePdf = graphql(`
  query AccountInvoicePdf($id: ID!) {
    invoice(id: $id) {
      id
      number
      pdfUrl
    }
  }
`);

export const AccountRequestReturn = graphql(`
  mutation AccountRequestReturn($input: RequestReturnInput!) {
    requestReturn(input: $input) {
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
