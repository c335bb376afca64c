/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type LoginInput = {
  email: string;
  password: string;
};

export type MemberErrorCode =
  /** The API key is revoked or expired: it cannot be rotated. */
  | 'API_KEY_INACTIVE'
  /** An account with that email exists. */
  | 'DUPLICATE_EMAIL'
  /** The same key (an order id) was used before for a different request. */
  | 'DUPLICATE_REQUEST'
  /** The member has fewer points than asked for. */
  | 'INSUFFICIENT_POINTS'
  /** No coupon with that code can be used here: unknown, someone else's, used, outside its window, below its minimum spend. */
  | 'INVALID_COUPON'
  /** The email and password do not match an active account. */
  | 'INVALID_CREDENTIALS'
  /** A trusted document does not validate against the API schema, or its id is not its SHA-256; nothing was published. */
  | 'INVALID_DOCUMENT'
  /** A text holds a control character (other than tab, line feed, carriage return) or a bidirectional override; nothing was written. */
  | 'INVALID_TEXT'
  /** A value breaks a rule of its field; the message names the rule and the value. */
  | 'INVALID_VALUE'
  /** A webhook's query does not parse, does not validate against the API schema, or has not exactly one subscription root field. */
  | 'INVALID_WEBHOOK_QUERY'
  /** Too many failed logins for this account from this address (or from this address in all): wait the seconds the message names. */
  | 'LOGIN_THROTTLED'
  /** Only a partner API key manages webhooks. */
  | 'NOT_A_PARTNER_KEY'
  /** The thing named does not exist. */
  | 'NOT_FOUND'
  /** A text is longer than any field may store; nothing was written. */
  | 'TEXT_TOO_LONG'
  /** The key has as many webhooks as it may (WEBHOOKS_PER_KEY). */
  | 'TOO_MANY_WEBHOOKS'
  /** A webhook's query selects fields the key's scopes do not allow. */
  | 'WEBHOOK_QUERY_FORBIDDEN'
  /** The key is bound to a client's trusted documents and the webhook's query is not one of them. */
  | 'WEBHOOK_QUERY_NOT_PUBLISHED'
  /** A webhook's query is not a subscription. */
  | 'WEBHOOK_QUERY_NOT_SUBSCRIPTION'
  /** A webhook's query is longer than 4,000 characters. */
  | 'WEBHOOK_QUERY_TOO_LONG'
  /** A webhook URL is not an absolute URL, or carries credentials. */
  | 'WEBHOOK_URL_INVALID'
  /** A webhook URL is not https (required in production). */
  | 'WEBHOOK_URL_NOT_HTTPS'
  /** A webhook URL names or resolves to a private, loopback, link-local or reserved address. */
  | 'WEBHOOK_URL_PRIVATE_ADDRESS'
  /** A webhook URL is longer than 2,048 characters. */
  | 'WEBHOOK_URL_TOO_LONG'
  /** A webhook URL's host does not resolve. */
  | 'WEBHOOK_URL_UNRESOLVABLE';

export type RegisterMemberInput = {
  email: string;
  name: string;
  /** At least 12 characters. */
  password: string;
  phone?: string | null | undefined;
};

export type SignInMutationVariables = Exact<{
  input: LoginInput;
}>;


export type SignInMutation = { __typename: 'Mutation', login: { __typename: 'LoginPayload', token: string | null, expiresAt: string | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };

export type RegisterCustomerMutationVariables = Exact<{
  input: RegisterMemberInput;
}>;


export type RegisterCustomerMutation = { __typename: 'Mutation', registerMember: { __typename: 'RegisterMemberPayload', member: { __typename: 'Member', id: string, name: string } | null, userErrors: Array<{ __typename: 'MemberUserError', code: MemberErrorCode, field: string | null, message: string }> } };


export const SignInDocument = {"__meta__":{"hash":"sha256:02dc3b4406326992bbee10160dd90abcacac31fc3c0cf605e5a6cbe18ebe0483"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LoginInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const RegisterCustomerDocument = {"__meta__":{"hash":"sha256:c97ee4ceba4a75d690c320ab7cea17b7419583bd55f3607d9f1643f1a8a46ebe"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RegisterCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RegisterMemberInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"registerMember"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"member"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RegisterCustomerMutation, RegisterCustomerMutationVariables>;