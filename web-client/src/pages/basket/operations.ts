import { graphql } from '../../gql/index.ts';

export const BasketPlaceOrder = graphql(`
  mutation BasketPlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order {
        id
        number
        status
        total {
          amount
          currencyCode
        }
        reservationExpiresAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BasketCreatePayment = graphql(`
  mutation BasketCreatePayment($input: CreatePaymentInput!) {
    createPayment(input: $input) {
      payment {
        id
        status
        qrCodeUrl
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);
