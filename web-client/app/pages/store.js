import { act, field, formatMoney, h, inputValue, message, userErrorText } from '../dom.js';
import { request } from '../graph.js';
import { CreatePayment, PlaceOrder, ProductDetail, ProductSearch, Vehicles } from '../operations.js';
import { currentUser } from '../session.js';

// The basket lives in this browser only: [{ code, name, productName, price, quantity }].
const BASKET_KEY = 'commerce.basket';
// One checkout's idempotency key, kept until it succeeds, so a retried click never places a second order.
const CHECKOUT_KEY = 'commerce.checkout-key';

function basket() {
  try {
    return JSON.parse(localStorage.getItem(BASKET_KEY) ?? '[]');
  } catch {
    return [];
  }
}

function saveBasket(lines) {
  localStorage.setItem(BASKET_KEY, JSON.stringify(lines));
  localStorage.removeItem(CHECKOUT_KEY);
  updateBasketCount();
}

export function updateBasketCount() {
  const count = basket().reduce((sum, line) => sum + line.quantity, 0);
  const badge = document.getElementById('basket-count');
  if (badge) badge.textContent = count ? `(${count})` : '';
}

function addToBasket(sku, productName, quantity = 1) {
  const lines = basket();
  const line = lines.find((existing) => existing.code === sku.code);
  if (line) line.quantity += quantity;
  else lines.push({ code: sku.code, name: sku.name, productName, price: sku.price, quantity });
  saveBasket(lines);
}

function addButton(sku, productName, output) {
  return h(
    'button',
    {
      type: 'button',
      disabled: sku.stock.available <= 0,
      'aria-label': `Add ${sku.code} to basket`,
      onclick: () => {
        addToBasket(sku, productName);
        output.replaceChildren(message(`${sku.code} is in your basket.`));
      },
    },
    sku.stock.available > 0 ? 'Add to basket' : 'Out of stock',
  );
}

/** The shop: search with vehicle fitment, results with price and availability. */
export function renderStore(main) {
  const results = h('div', { id: 'search-results' });
  const notice = h('div');
  const vehicleSelect = h('select', { id: 'vehicle', name: 'vehicle' }, h('option', { value: '' }, 'Any vehicle'));
  const form = h(
    'form',
    {
      role: 'search',
      className: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        search();
      },
    },
    field('Search', { name: 'search', type: 'search', placeholder: 'brake pad, oil filter…' }),
    h('div', { className: 'field' }, h('label', { for: 'vehicle' }, 'Fits vehicle'), vehicleSelect),
    field('Year', { name: 'year', type: 'number', min: 1950, max: 2100, inputmode: 'numeric' }),
    h('button', { type: 'submit' }, 'Search'),
  );

  request(Vehicles)
    .then(({ vehicles }) => {
      for (const vehicle of vehicles) {
        const value = JSON.stringify({ make: vehicle.make, model: vehicle.model });
        vehicleSelect.append(h('option', { value }, `${vehicle.make} ${vehicle.model} (${vehicle.yearFrom}–${vehicle.yearTo})`));
      }
    })
    .catch(() => undefined);

  async function search() {
    results.replaceChildren(message('Searching…'));
    const vehicle = vehicleSelect.value ? JSON.parse(vehicleSelect.value) : null;
    const year = Number.parseInt(inputValue(form, 'year'), 10);
    const fits = vehicle ? { ...vehicle, ...(Number.isFinite(year) ? { year } : {}) } : undefined;
    try {
      const { products } = await request(ProductSearch, { search: inputValue(form, 'search') || undefined, fits, first: 20 });
      results.replaceChildren(
        h('p', { className: 'muted' }, `${products.totalCount} products${fits ? ` fit the ${fits.make} ${fits.model}` : ''}`),
        h(
          'ul',
          { className: 'products' },
          products.edges.map(({ node }) =>
            h(
              'li',
              { className: 'product' },
              h('h2', {}, h('a', { href: `#/product/${encodeURIComponent(node.id)}` }, node.name)),
              h('p', { className: 'muted' }, [node.brand?.name, node.category?.name].filter(Boolean).join(' · ')),
              h(
                'table',
                {},
                h('caption', { className: 'visually-hidden' }, `SKUs of ${node.name}`),
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['SKU', 'Price', 'Available', ''].map((name) => h('th', { scope: 'col' }, name)),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  node.skus.map((sku) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, h('code', {}, sku.code), ' ', sku.name),
                      h('td', { className: 'number' }, formatMoney(sku.price)),
                      h('td', { className: 'number' }, String(sku.stock.available)),
                      h('td', {}, addButton(sku, node.name, notice)),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      results.replaceChildren(message(`The search failed: ${error.message}`, 'error'));
    }
  }

  main.append(h('h1', {}, 'Car parts'), form, notice, results);
  search();
}

/** One product: description, what it fits, and each SKU's availability per warehouse. */
export function renderProduct(main, [id]) {
  const notice = h('div');
  main.append(h('p', {}, h('a', { href: '#/store' }, '← Back to the search')), notice);
  request(ProductDetail, { id })
    .then(({ product }) => {
      if (!product) {
        main.append(message(`No product ${id}.`, 'error'));
        return;
      }
      main.append(
        h('h1', {}, product.name),
        h('p', { className: 'muted' }, [product.brand?.name, product.category?.path ?? product.category?.name].filter(Boolean).join(' · ')),
        product.description ? h('p', {}, product.description) : null,
        h('h2', {}, 'Fits'),
        product.fitments.length
          ? h(
              'ul',
              {},
              product.fitments.map((fit) => h('li', {}, `${fit.make} ${fit.model} ${fit.yearFrom}–${fit.yearTo}`)),
            )
          : h('p', {}, 'Universal or not recorded.'),
        ...product.skus.map((sku) =>
          h(
            'section',
            { className: 'sku', 'aria-labelledby': `sku-${sku.code}` },
            h('h2', { id: `sku-${sku.code}` }, h('code', {}, sku.code), ' ', sku.name),
            h(
              'p',
              {},
              h('strong', {}, formatMoney(sku.price)),
              ` · ${sku.stock.available} available`,
              sku.attributes.length ? ` · ${sku.attributes.map((a) => `${a.name}: ${a.value}`).join(', ')}` : '',
            ),
            h(
              'table',
              {},
              h('caption', {}, 'Availability by warehouse'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Warehouse', 'On hand', 'Reserved', 'Available'].map((name) => h('th', { scope: 'col' }, name)),
                ),
              ),
              h(
                'tbody',
                {},
                sku.stock.levels.map((level) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, level.warehouse.name),
                    h('td', { className: 'number' }, String(level.onHand)),
                    h('td', { className: 'number' }, String(level.reserved)),
                    h('td', { className: 'number' }, String(level.available)),
                  ),
                ),
              ),
            ),
            addButton(sku, product.name, notice),
          ),
        ),
      );
    })
    .catch((error) => main.append(message(`The product could not be read: ${error.message}`, 'error')));
}

/** The basket and checkout: PlaceOrder as a guest or a member, then paying through the provider. */
export function renderBasket(main) {
  const list = h('div');
  const outcome = h('div', { id: 'checkout-outcome' });
  main.append(h('h1', {}, 'Basket'), list, outcome);

  function renderList() {
    const lines = basket();
    if (!lines.length) {
      list.replaceChildren(h('p', {}, 'Your basket is empty. ', h('a', { href: '#/store' }, 'Find parts')));
      return;
    }
    list.replaceChildren(
      h(
        'table',
        { id: 'basket' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['SKU', 'Product', 'Unit price', 'Quantity', ''].map((name) => h('th', { scope: 'col' }, name)),
          ),
        ),
        h(
          'tbody',
          {},
          lines.map((line) =>
            h(
              'tr',
              {},
              h('td', {}, h('code', {}, line.code)),
              h('td', {}, line.productName),
              h('td', { className: 'number' }, formatMoney(line.price)),
              h(
                'td',
                {},
                h('input', {
                  type: 'number',
                  min: 1,
                  max: 999,
                  value: String(line.quantity),
                  'aria-label': `Quantity of ${line.code}`,
                  onchange: (event) => {
                    const quantity = Number.parseInt(event.target.value, 10);
                    saveBasket(
                      basket().map((other) => (other.code === line.code ? { ...other, quantity: Math.max(1, quantity || 1) } : other)),
                    );
                    renderList();
                  },
                }),
              ),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    className: 'link',
                    onclick: () => {
                      saveBasket(basket().filter((other) => other.code !== line.code));
                      renderList();
                    },
                  },
                  `Remove ${line.code}`,
                ),
              ),
            ),
          ),
        ),
      ),
      checkoutForm(),
    );
  }

  function checkoutForm() {
    const output = h('div');
    const form = h(
      'form',
      {
        'aria-labelledby': 'checkout-heading',
        onsubmit: (event) => {
          event.preventDefault();
          act(form, output, () => placeOrder(form));
        },
      },
      h('h2', { id: 'checkout-heading' }, 'Checkout'),
      h(
        'p',
        { className: 'muted' },
        currentUser()?.kind === 'member' ? 'Ordering as a member.' : 'Ordering as a guest. Sign in to order as a member.',
      ),
      field('Name', { name: 'name', autocomplete: 'name', required: true }),
      field('Phone', { name: 'phone', type: 'tel', autocomplete: 'tel', required: true }),
      field('Address', { name: 'line1', autocomplete: 'address-line1', required: true }),
      field('City', { name: 'city', autocomplete: 'address-level2', required: true }),
      field('Postal code', { name: 'postalCode', autocomplete: 'postal-code', required: true }),
      field('Country', { name: 'country', autocomplete: 'country', value: 'CN', maxlength: 2, required: true }),
      h('button', { type: 'submit' }, 'Place order'),
      output,
    );
    return form;
  }

  async function placeOrder(form) {
    const idempotencyKey = localStorage.getItem(CHECKOUT_KEY) ?? crypto.randomUUID();
    localStorage.setItem(CHECKOUT_KEY, idempotencyKey);
    const shippingAddress = Object.fromEntries(
      ['name', 'phone', 'line1', 'city', 'postalCode', 'country'].map((name) => [name, inputValue(form, name)]),
    );
    const input = {
      idempotencyKey,
      channel: 'ONLINE',
      lines: basket().map((line) => ({ skuCode: line.code, quantity: line.quantity })),
      shippingAddress,
    };
    const { placeOrder: result } = await request(PlaceOrder, { input });
    const problem = userErrorText(result.userErrors);
    if (problem) throw new Error(problem);
    saveBasket([]);
    renderList();
    outcome.replaceChildren(placed(result.order));
    return null;
  }

  function placed(order) {
    const payOutput = h('div');
    const canPay = currentUser() !== null;
    return h(
      'section',
      { 'aria-labelledby': 'placed-heading', className: 'panel', dataset: { orderNumber: order.number } },
      h('h2', { id: 'placed-heading' }, `Order ${order.number} placed`),
      h('p', {}, `Status ${order.status}, total ${formatMoney(order.total)}.`),
      order.reservationExpiresAt
        ? h('p', { className: 'muted' }, `Pay before ${new Date(order.reservationExpiresAt).toLocaleTimeString()}.`)
        : null,
      canPay
        ? h(
            'button',
            {
              type: 'button',
              onclick: async (event) => {
                event.target.disabled = true;
                try {
                  const { createPayment } = await request(CreatePayment, {
                    input: { orderId: order.id, channel: 'WECHAT_PAY', idempotencyKey: `pay-${order.id}` },
                  });
                  const problem = userErrorText(createPayment.userErrors);
                  if (problem) throw new Error(problem);
                  const url = createPayment.payment.qrCodeUrl;
                  payOutput.replaceChildren(
                    h(
                      'p',
                      {},
                      'The simulator shows the page a customer reaches by scanning the QR code: ',
                      h('a', { href: url, target: '_blank', rel: 'noopener' }, 'open it'),
                      '.',
                    ),
                  );
                  window.open(url, '_blank', 'noopener');
                } catch (error) {
                  payOutput.replaceChildren(message(`Paying failed: ${error.message}`, 'error'));
                } finally {
                  event.target.disabled = false;
                }
              },
            },
            'Pay with WeChat Pay (simulator)',
          )
        : h('p', {}, 'Paying online needs a signed-in customer: sign in before checking out.'),
      payOutput,
    );
  }

  renderList();
}
