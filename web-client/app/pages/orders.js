import { flash, formatMoney, formatTime, h, message } from '../dom.js';
import { keepSubscribed, request } from '../graph.js';
import { LiveOrders, RecentOrders } from '../operations.js';
import { currentUser, hasScope } from '../session.js';

/**
 * The order feed: every order's status changes for staff with orders:read
 * (a member sees their own orders), newest at the top, from LiveOrders.
 * Staff first see the latest orders.
 */
export function renderOrders(main) {
  main.append(h('h1', {}, 'Order feed'));
  if (!currentUser()) {
    main.append(message('The order feed needs a signed-in member or staff.', 'error'), h('a', { href: '#/login' }, 'Sign in'));
    return;
  }
  const staff = hasScope('orders:read');
  const rows = new Map();
  const body = h('tbody');
  const status = h('p', { className: 'muted', id: 'orders-status', 'aria-live': 'polite' });

  function show(order, previousStatus, at) {
    const row = h(
      'tr',
      { dataset: { orderId: order.id, number: order.number, status: order.status } },
      h('td', {}, order.number),
      h('td', {}, h('span', { className: `badge status-${order.status.toLowerCase()}` }, order.status)),
      h('td', {}, previousStatus ?? '–'),
      h('td', { className: 'number' }, formatMoney(order.total)),
      h('td', {}, order.member?.name ?? 'Guest'),
      h('td', {}, formatTime(at)),
    );
    rows.get(order.id)?.remove();
    rows.set(order.id, row);
    body.prepend(row);
    return row;
  }

  async function load() {
    if (!staff) {
      status.textContent = 'Your orders appear here when their status changes.';
      return;
    }
    try {
      const { orders } = await request(RecentOrders, { first: 20 });
      for (const { node } of [...orders.edges].reverse()) if (!rows.has(node.id)) show(node, null, node.createdAt);
      status.textContent = 'The latest orders; changes appear at the top as they happen.';
    } catch (error) {
      status.textContent = `Orders could not be read: ${error.message}`;
    }
  }

  const stop = keepSubscribed(
    LiveOrders,
    {},
    {
      onEvent: ({ orderUpdated }) => {
        flash(show(orderUpdated.order, orderUpdated.previousStatus, orderUpdated.at));
        status.textContent = `${orderUpdated.order.number} is now ${orderUpdated.order.status}.`;
      },
      onProblem: (error) => {
        status.textContent = `The order feed stopped: ${error.message}${error.code ? ` (${error.code})` : ''}`;
      },
      onRestart: load,
    },
  );

  main.append(
    status,
    h(
      'table',
      { id: 'order-feed' },
      h('caption', {}, staff ? 'All orders, newest change first' : 'Your orders, newest change first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Order', 'Status', 'Was', 'Total', 'Customer', 'When'].map((name) => h('th', { scope: 'col' }, name)),
        ),
      ),
      body,
    ),
  );
  load();
  return stop;
}
