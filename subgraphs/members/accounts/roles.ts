/**
 * Staff roles and the scopes each grants (docs/architecture.md §4 Auth: `<domain>:<read|write>`
 * plus `members:pii`). A staff token carries the union of its roles' scopes.
 */
export const ROLE_SCOPES: Record<string, readonly string[]> = {
  admin: [
    'catalogue:read',
    'catalogue:write',
    'stock:read',
    'stock:write',
    'orders:read',
    'orders:write',
    'members:read',
    'members:write',
    'members:pii',
    'payments:read',
    'payments:write',
    'invoices:read',
    'invoices:write',
    // Trusted documents (docs/architecture.md §11): publishing clients' manifests, and running operations nobody published.
    'documents:write',
    'documents:arbitrary',
    // A partner key's own webhooks (docs/architecture.md §13); staff grant it to keys, it does nothing for a staff token.
    'webhooks:write',
  ],
  cashier: ['catalogue:read', 'stock:read', 'orders:read', 'orders:write', 'members:read', 'payments:write'],
  'stock-clerk': ['catalogue:read', 'stock:read', 'stock:write'],
  finance: ['orders:read', 'payments:read', 'payments:write', 'invoices:read', 'invoices:write'],
  merchandiser: ['catalogue:read', 'catalogue:write', 'stock:read'],
};

export function scopesOf(roles: readonly string[]): string[] {
  return [...new Set(roles.flatMap((role) => ROLE_SCOPES[role] ?? []))].sort();
}

/** Every scope a role grants: what a partner API key may be given. */
export const ALL_SCOPES: readonly string[] = scopesOf(Object.keys(ROLE_SCOPES));
