// The signed-in user's token, kept in this page's memory only: never in localStorage, sessionStorage or a
// cookie, where anything running on this origin (or a copy of the browser profile) could read it later.
// A reload or a new tab starts signed out; the token lives an hour anyway. The router's strict
// Content-Security-Policy is what keeps a foreign script from running in the page and asking for it.
let current = null;
const listeners = new Set();

// Earlier versions kept the token in localStorage; do not leave it there.
localStorage.removeItem('commerce.token');

export function token() {
  if (current && isExpired(claimsOf(current))) current = null;
  return current;
}

export function signIn(value) {
  current = value;
  notify();
}

export function signOut() {
  current = null;
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
