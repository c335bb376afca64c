import { graphql } from '../../gql/index.ts';

export const RegisterWarehouses = graphql(`
  query RegisterWarehouses {
    warehouses {
      id
      code
      name
    }
  }
`);

export const RegisterSku = graphql(`
  query RegisterSku($code: String!) {
    sku(code: $code) {
      code
      name
      price {
        amount
        currencyCode
      }
      product {
        id
        name
      }
    }
  }
`);

export const RegisterMembersByPhone = graphql(`
  query RegisterMembersByPhone($phone: String!) {
    membersByPhone(phone: $phone) {
      id
      name
      tier {
        name
      }
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

export const RegisterPlaceOrder = graphql(`
  mutation RegisterPlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order {
        id
        number
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

export const RegisterCreatePayment = graphql(`
  mutation RegisterCreatePayment($input: CreatePaymentInput!) {
    createPayment(input: $input) {
      payment {
        id
        channel
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

export const RegisterOrder = graphql(`
  query RegisterOrder($id: ID!) {
    order(id: $id) {
      id
      number
      status
      createdAt
      storeWarehouseId
      member {
        id
        name
      }
      lines {
        sku {
          code
          name
        }
        quantity
        unitPrice {
          amount
          currencyCode
        }
        lineTotal {
          amount
          currencyCode
        }
      }
      subtotal {
        amount
        currencyCode
      }
      discount {
        amount
        currencyCode
      }
      couponCode
      pointsRedeemed
      total {
        amount
        currencyCode
      }
    }
  }
`);
