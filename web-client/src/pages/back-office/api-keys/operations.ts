import { graphql } from '../../../gql/index.ts';

export const BackOfficeApiKeyFields = graphql(`
  fragment BackOfficeApiKeyFields on ApiKey {
    id
    name
    prefix
    scopes
    createdAt
    revokedAt
    lastUsedAt
    requestCount
    documentsClient
    expiresAt
    rotatedAt
    previousSecretExpiresAt
    requestsPerMinute
    maxQueryCost
    maxSubscriptions
  }
`);

export const BackOfficeApiKeys = graphql(`
  query BackOfficeApiKeys {
    apiKeys {
      ...BackOfficeApiKeyFields
    }
  }
`);

export const BackOfficeCreateApiKey = graphql(`
  mutation BackOfficeCreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      apiKey {
        ...BackOfficeApiKeyFields
      }
      secret
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeRotateApiKey = graphql(`
  mutation BackOfficeRotateApiKey($input: RotateApiKeyInput!) {
    rotateApiKey(input: $input) {
      apiKey {
        ...BackOfficeApiKeyFields
      }
      secret
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeRevokeApiKey = graphql(`
  mutation BackOfficeRevokeApiKey($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) {
      apiKey {
        ...BackOfficeApiKeyFields
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeUpdateApiKeyLimits = graphql(`
  mutation BackOfficeUpdateApiKeyLimits($input: UpdateApiKeyLimitsInput!) {
    updateApiKeyLimits(input: $input) {
      apiKey {
        ...BackOfficeApiKeyFields
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

// Webhooks belong to the key that calls: these run with the key's own secret (webhook-client.ts), not the staff token.
export const BackOfficeWebhookFields = graphql(`
  fragment BackOfficeWebhookFields on Webhook {
    id
    name
    url
    query
    status
    disabledReason
    createdAt
  }
`);

export const BackOfficeWebhooks = graphql(`
  query BackOfficeWebhooks {
    webhooks {
      ...BackOfficeWebhookFields
    }
  }
`);

export const BackOfficeCreateWebhook = graphql(`
  mutation BackOfficeCreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      webhook {
        ...BackOfficeWebhookFields
      }
      secret
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeUpdateWebhook = graphql(`
  mutation BackOfficeUpdateWebhook($input: UpdateWebhookInput!) {
    updateWebhook(input: $input) {
      webhook {
        ...BackOfficeWebhookFields
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeDeleteWebhook = graphql(`
  mutation BackOfficeDeleteWebhook($input: DeleteWebhookInput!) {
    deleteWebhook(input: $input) {
      webhook {
        id
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export const BackOfficeWebhookDeliveries = graphql(`
  query BackOfficeWebhookDeliveries($webhookId: ID!, $first: Int, $after: String) {
    webhookDeliveries(webhookId: $webhookId, first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          status
          createdAt
          nextAttemptAt
          attempts {
            at
            status
            responseCode
            error
          }
        }
      }
    }
  }
`);

export const BackOfficeRedeliverWebhook = graphql(`
  mutation BackOfficeRedeliverWebhook($deliveryId: ID!) {
    redeliverWebhook(deliveryId: $deliveryId) {
      delivery {
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
