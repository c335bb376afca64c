/** GraphQL documents the router's end-to-end tests share. */
export const HELLO = 'query Hello { hello }';
export const WHOAMI = 'query WhoAmI { whoami { kind subject scopes } }';
export const SET_PRICE = 'mutation SetPrice($sku: ID!, $amount: Int!) { setPrice(sku: $sku, amount: $amount) { sku amount changedBy } }';
export const ITEMS = 'query Items { items { id } }';
