import { graphql } from '../../../gql/index.ts';

// Finance's queue: the graph filters by status and pages by keyset, so every page but the last is full.
export const InvoiceQueue = graphql(`
  query InvoiceQueue($filter: InvoiceFilter, $first: Int, $after: String) {
    invoices(filter: $filter, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          kind
          number
          status
          requestedAt
          order {
            id
            number
          }
          buyer {
            name
          }
          total {
            amount
            currencyCode
          }
        }
      }
    }
  }
`);

export const InvoiceDetails = graphql(`
  fragment InvoiceDetails on Invoice {
    id
    kind
    number
    status
    requestedAt
    issuedAt
    rejectionReason
    reason
    pdfUrl
    buyer {
      type
      name
      taxId
      email
    }
    order {
      id
      number
      total {
        amount
        currencyCode
      }
    }
    subtotal {
      amount
      currencyCode
    }
    taxTotal {
      amount
      currencyCode
    }
    total {
      amount
      currencyCode
    }
    creditedInvoice {
      id
      number
    }
    creditNotes {
      id
      number
      reason
      issuedAt
      pdfUrl
      total {
        amount
        currencyCode
      }
    }
  }
`);

export const BackOfficeInvoice = graphql(`
  query BackOfficeInvoice($id: ID!) {
    invoice(id: $id) {
      ...InvoiceDetails
    }
  }
`);

export const IssueInvoice = graphql(`
  mutation IssueInvoice($input: IssueInvoiceInput!) {
    issueInvoice(input: $input) {
      invoice {
        ...InvoiceDetails
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const RejectInvoice = graphql(`
  mutation RejectInvoice($input: RejectInvoiceInput!) {
    rejectInvoice(input: $input) {
      invoice {
        ...InvoiceDetails
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const VoidInvoice = graphql(`
  mutation VoidInvoice($input: VoidInvoiceInput!) {
    voidInvoice(input: $input) {
      invoice {
        ...InvoiceDetails
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);
