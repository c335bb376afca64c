// The single-page client: a hash router over the pages in ./pages, and the header's sign-in state.
import { h } from './dom.js';
import { onSocketStatus } from './graph.js';
import { renderBackOffice } from './pages/back-office.js';
import { renderDashboard } from './pages/dashboard.js';
import { renderLogin } from './pages/login.js';
import { renderOrders } from './pages/orders.js';
import { renderBasket, renderProduct, renderStore, updateBasketCount } from './pages/store.js';
import { currentUser, onSessionChange, signOut } from './session.js';

// '#/path/arg' -> page; each page renders into <main> and returns a function that stops its subscriptions.
const ROUTES = {
  login: { title: 'Sign in', render: renderLogin },
  store: { title: 'Store', render: renderStore },
  product: { title: 'Product', render: renderProduct },
  basket: { title: 'Basket', render: renderBasket },
  dashboard: { title: 'Live stock', render: renderDashboard },
  orders: { title: 'Order feed', render: renderOrders },
  'back-office': { title: 'Back office', render: renderBackOffice },
};

const main = document.getElementById('page');
let leavePage = () => undefined;

function route() {
  const [name = 'store', ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = ROUTES[name] ?? ROUTES.store;
  leavePage();
  main.replaceChildren();
  document.title = `${page.title} · Commerce supergraph`;
  for (const link of document.querySelectorAll('nav a[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  leavePage = page.render(main, args) ?? (() => undefined);
  main.focus({ preventScroll: true });
}

function renderUser() {
  const user = currentUser();
  const slot = document.getElementById('user');
  if (!user) {
    slot.replaceChildren(h('a', { href: '#/login' }, 'Sign in'));
    return;
  }
  const who = user.kind === 'staff' ? `Staff (${user.scopes.length} scopes)` : user.kind === 'member' ? 'Member' : user.kind;
  slot.replaceChildren(
    h('span', { className: 'who' }, `Signed in: ${who}`),
    ' ',
    h('button', { type: 'button', className: 'link', onclick: () => signOut() }, 'Sign out'),
  );
}

onSocketStatus((status) => {
  const indicator = document.getElementById('socket-status');
  indicator.textContent = status === 'idle' ? '' : `live updates: ${status}`;
  indicator.dataset.status = status;
});

onSessionChange(() => {
  renderUser();
  route();
});
window.addEventListener('hashchange', route);
renderUser();
updateBasketCount();
route();
