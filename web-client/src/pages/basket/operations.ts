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

/** The signed-in member's points and coupons, to redeem at checkout. */
export const BasketMember = graphql(`
  query BasketMember {
    me {
      id
      points
      coupons {
        code
        description
        redeemed
        validUntil
      }
    }
  }
`);

/** The placed order, polled while it waits for payment so the page shows it paid without a reload. */
export const BasketOrder = graphql(`
  query BasketOrder($id: ID!) {
    order(id: $id) {
      id
      status
      discount {
        amount
        currencyCode
      }
      total {
        amount
        currencyCode
      }
    }
  }
`);
