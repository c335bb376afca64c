import { act, field, formatMoney, formatTime, h, inputValue, message, userErrorText } from '../dom.js';
import { request } from '../graph.js';
import { AdjustStock, ReceiveStock, RecentOrders, ShipOrder, Warehouses } from '../operations.js';
import { currentUser, hasScope } from '../session.js';

/**
 * Staff work: receive goods, correct a level after a stock-take, ship paid
 * orders. Each form sends one contract mutation and shows its userErrors.
 * (Invoices join when the invoices subgraph has its mutations.)
 */
export function renderBackOffice(main) {
  main.append(h('h1', {}, 'Back office'));
  if (currentUser()?.kind !== 'staff') {
    main.append(message('The back office is for staff. Sign in with a staff account.', 'error'), h('a', { href: '#/login' }, 'Sign in'));
    return;
  }
  const warehouseOptions = [];
  const stockForms = h('div', { className: 'columns' });
  const shipping = h('section', { 'aria-labelledby': 'ship-heading' }, h('h2', { id: 'ship-heading' }, 'Ship paid orders'));
  main.append(stockForms, shipping);

  request(Warehouses)
    .then(({ warehouses }) => {
      for (const warehouse of warehouses) warehouseOptions.push([warehouse.id, `${warehouse.code} · ${warehouse.name}`]);
      stockForms.append(receiveForm(warehouseOptions), adjustForm(warehouseOptions));
    })
    .catch((error) => stockForms.append(message(`Warehouses could not be read: ${error.message}`, 'error')));
  if (hasScope('orders:read')) {
    const list = h('div', { id: 'paid-orders' });
    shipping.append(h('button', { type: 'button', onclick: () => loadPaidOrders(list) }, 'Refresh'), list);
    loadPaidOrders(list);
  } else {
    shipping.append(message('Shipping needs orders:read and orders:write.'));
  }
}

function receiveForm(warehouses) {
  const output = h('div');
  const form = h(
    'form',
    {
      id: 'receive-stock',
      'aria-labelledby': 'receive-heading',
      onsubmit: (event) => {
        event.preventDefault();
        act(form, output, async () => {
          const input = {
            warehouseId: inputValue(form, 'warehouseId'),
            reference: inputValue(form, 'reference'),
            lines: [{ skuCode: inputValue(form, 'skuCode'), quantity: Number.parseInt(inputValue(form, 'quantity'), 10) }],
          };
          const { receiveStock } = await request(ReceiveStock, { input });
          const problem = userErrorText(receiveStock.userErrors);
          if (problem) return message(problem, 'error');
          form.elements.namedItem('reference').value = newReference();
          const lines = receiveStock.receipt.lines.map((line) => `${line.quantity} × ${line.sku.code}`).join(', ');
          return message(`Received ${lines} under ${receiveStock.receipt.reference}.`);
        });
      },
    },
    h('h2', { id: 'receive-heading' }, 'Receive stock'),
    field('Warehouse', { name: 'warehouseId', options: warehouses }),
    field('Reference (delivery note)', { name: 'reference', value: newReference(), required: true }),
    field('SKU code', { name: 'skuCode', required: true, autocomplete: 'off' }),
    field('Quantity', { name: 'quantity', type: 'number', min: 1, value: '1', required: true }),
    h('button', { type: 'submit' }, 'Receive'),
    output,
  );
  return form;
}

function adjustForm(warehouses) {
  const output = h('div');
  const form = h(
    'form',
    {
      id: 'adjust-stock',
      'aria-labelledby': 'adjust-heading',
      onsubmit: (event) => {
        event.preventDefault();
        act(form, output, async () => {
          const input = {
            warehouseId: inputValue(form, 'warehouseId'),
            skuCode: inputValue(form, 'skuCode'),
            delta: Number.parseInt(inputValue(form, 'delta'), 10),
            reason: inputValue(form, 'reason'),
          };
          const { adjustStock } = await request(AdjustStock, { input });
          const problem = userErrorText(adjustStock.userErrors);
          if (problem) return message(problem, 'error');
          const level = adjustStock.level;
          return message(`${input.skuCode} now has ${level.onHand} on hand, ${level.reserved} reserved, ${level.available} available.`);
        });
      },
    },
    h('h2', { id: 'adjust-heading' }, 'Adjust stock'),
    field('Warehouse', { name: 'warehouseId', options: warehouses }),
    field('SKU code', { name: 'skuCode', required: true, autocomplete: 'off' }),
    field('Change (units, negative to remove)', { name: 'delta', type: 'number', required: true }),
    field('Reason', { name: 'reason', value: 'stock-take', required: true }),
    h('button', { type: 'submit' }, 'Adjust'),
    output,
  );
  return form;
}

async function loadPaidOrders(list) {
  try {
    const { orders } = await request(RecentOrders, { status: 'PAID', first: 50 });
    if (!orders.edges.length) {
      list.replaceChildren(h('p', {}, 'No order is waiting to be shipped.'));
      return;
    }
    list.replaceChildren(
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Order', 'Placed', 'Total', 'Customer', 'Ship'].map((name) => h('th', { scope: 'col' }, name)),
          ),
        ),
        h(
          'tbody',
          {},
          orders.edges.map(({ node }) =>
            h(
              'tr',
              { dataset: { orderId: node.id } },
              h('td', {}, node.number),
              h('td', {}, formatTime(node.createdAt)),
              h('td', { className: 'number' }, formatMoney(node.total)),
              h('td', {}, node.member?.name ?? 'Guest'),
              h('td', {}, shipForm(node)),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    list.replaceChildren(message(`Paid orders could not be read: ${error.message}`, 'error'));
  }
}

function shipForm(order) {
  const output = h('span');
  const form = h(
    'form',
    {
      className: 'inline',
      'aria-label': `Ship ${order.number}`,
      onsubmit: (event) => {
        event.preventDefault();
        act(form, output, async () => {
          const input = { orderId: order.id, carrier: inputValue(form, 'carrier'), trackingNumber: inputValue(form, 'trackingNumber') };
          const { shipOrder } = await request(ShipOrder, { input });
          const problem = userErrorText(shipOrder.userErrors);
          if (problem) return message(problem, 'error');
          form.replaceChildren(message(`${order.number} is ${shipOrder.order.status}.`));
          return null;
        });
      },
    },
    field('Carrier', { name: 'carrier', value: 'SF Express', required: true }),
    field('Tracking number', { name: 'trackingNumber', required: true }),
    h('button', { type: 'submit' }, 'Ship'),
    output,
  );
  return form;
}

function newReference() {
  return `GRN-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
}
