// The signed-in user's token, kept in this page's memory only: never in localStorage, sessionStorage or a
// cookie, where anything running on this origin (or a copy of the browser profile) could read it later.
// A reload or a new tab starts signed out; the router's strict Content-Security-Policy keeps foreign scripts out.
let current: string | null = null;
const listeners = new Set<() => void>();

export interface User {
  kind: string;
  subject: string;
  scopes: string[];
}

interface Claims {
  kind?: string;
  sub?: string;
  scope?: unknown;
  scopes?: unknown;
  exp?: unknown;
}

export function token(): string | null {
  if (current && isExpired(claimsOf(current))) current = null;
  return current;
}

export function signIn(value: string): void {
  current = value;
  notify();
}

export function signOut(): void {
  current = null;
  notify();
}

/** Called whenever the user signs in or out (the socket reconnects with the new credential). */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Who the token says the user is, or null when signed out. Read only to choose what to show; the router verifies. */
export function currentUser(): User | null {
  const value = token();
  const claims = value ? claimsOf(value) : null;
  if (!claims) return null;
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : Array.isArray(claims.scopes) ? claims.scopes.map(String) : [];
  return { kind: claims.kind ?? 'member', subject: claims.sub ?? '', scopes };
}

function claimsOf(value: string): Claims | null {
  try {
    const payload = value.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Claims;
  } catch {
    return null;
  }
}

function isExpired(claims: Claims | null): boolean {
  return !claims || (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now());
}

function notify(): void {
  for (const listener of listeners) listener();
}
