// The signed-in user's token, kept in localStorage so it survives a reload and is shared with /graphiql.
const TOKEN_KEY = 'commerce.token';
const listeners = new Set();

export function token() {
  const value = localStorage.getItem(TOKEN_KEY);
  if (value && isExpired(claimsOf(value))) {
    localStorage.removeItem(TOKEN_KEY);
    return null;
  }
  return value;
}

export function signIn(value) {
  localStorage.setItem(TOKEN_KEY, value);
  notify();
}

export function signOut() {
  localStorage.removeItem(TOKEN_KEY);
  notify();
}

/** Called with no arguments whenever the user signs in or out (the socket reconnects with the new credential). */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Who the token says the user is: { kind, subject, scopes }, or null when signed out.
 * Read only to choose what to show; the router verifies the token on every request.
 */
export function currentUser() {
  const value = token();
  if (!value) return null;
  const claims = claimsOf(value);
  if (!claims) return null;
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : Array.isArray(claims.scopes) ? claims.scopes : [];
  return { kind: claims.kind ?? 'member', subject: claims.sub ?? '', scopes };
}

export function hasScope(scope) {
  return currentUser()?.scopes.includes(scope) ?? false;
}

function claimsOf(value) {
  try {
    const payload = value.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return null;
  }
}

function isExpired(claims) {
  return !claims || (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now());
}

function notify() {
  for (const listener of listeners) listener();
}
