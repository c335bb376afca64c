import { flash, formatTime, h, message } from '../dom.js';
import { keepSubscribed, request } from '../graph.js';
import { LiveStock, LowStock, SkuCodesForDashboard, StockLevelsOfSkus } from '../operations.js';
import { currentUser, hasScope } from '../session.js';

const PRODUCTS_SHOWN = 40;

/**
 * Live stock: the levels of the first products (or those a search finds),
 * updated in place from LiveStock; a level of another SKU that changes is
 * added at the top. The low-stock panel is read again after changes.
 */
export function renderDashboard(main) {
  main.append(h('h1', {}, 'Live stock'));
  if (!currentUser() || !hasScope('stock:read')) {
    main.append(
      message('The stock dashboard is for staff with stock:read. Sign in first.', 'error'),
      h('a', { href: '#/login' }, 'Sign in'),
    );
    return;
  }

  const rows = new Map();
  const body = h('tbody');
  const status = h('p', { className: 'message', role: 'status', id: 'stock-status' }, 'Loading stock levels…');
  const lastEvent = h('p', { className: 'muted', id: 'last-stock-event', 'aria-live': 'polite' });
  const lowStockList = h('tbody');
  const search = h('input', { type: 'search', id: 'dashboard-search', name: 'search', placeholder: 'brake pad, oil filter…' });

  const rowKey = (skuCode, warehouseCode) => `${skuCode}@${warehouseCode}`;

  function renderRow(level) {
    const key = rowKey(level.sku.code, level.warehouse.code);
    const cells = {
      onHand: h('td', { className: 'number', dataset: { column: 'onHand' } }, String(level.onHand)),
      reserved: h('td', { className: 'number', dataset: { column: 'reserved' } }, String(level.reserved)),
      available: h('td', { className: 'number', dataset: { column: 'available' } }, String(level.available)),
    };
    const row = h(
      'tr',
      { dataset: { sku: level.sku.code, warehouse: level.warehouse.code } },
      h('td', {}, h('code', {}, level.sku.code)),
      h('td', {}, level.sku.product?.name ?? level.sku.name),
      h('td', {}, level.warehouse.code),
      cells.onHand,
      cells.reserved,
      cells.available,
    );
    rows.set(key, { row, cells });
    return row;
  }

  async function load() {
    status.textContent = 'Loading stock levels…';
    try {
      const { products } = await request(SkuCodesForDashboard, { search: search.value.trim() || undefined, first: PRODUCTS_SHOWN });
      const skuCodes = products.edges.flatMap((edge) => edge.node.skus.map((sku) => sku.code));
      const { stockLevels } = skuCodes.length ? await request(StockLevelsOfSkus, { skuCodes }) : { stockLevels: [] };
      rows.clear();
      body.replaceChildren(...stockLevels.map(renderRow));
      status.textContent = `${stockLevels.length} levels of ${skuCodes.length} SKUs; changes appear as they happen.`;
    } catch (error) {
      status.textContent = `Stock levels could not be read: ${error.message}`;
    }
    loadLowStock();
  }

  async function loadLowStock() {
    try {
      const { lowStockLevels } = await request(LowStock);
      lowStockList.replaceChildren(
        ...lowStockLevels.map((level) =>
          h(
            'tr',
            { dataset: { sku: level.sku.code, warehouse: level.warehouse.code } },
            h('td', {}, h('code', {}, level.sku.code), h('span', { className: 'product-name' }, level.sku.product?.name ?? '')),
            h('td', {}, level.warehouse.code),
            h('td', { className: 'number' }, String(level.available)),
            h('td', { className: 'number' }, level.reorderPoint === null ? '–' : String(level.reorderPoint)),
          ),
        ),
      );
      if (!lowStockLevels.length) lowStockList.replaceChildren(h('tr', {}, h('td', { colspan: 4 }, 'Nothing is low.')));
    } catch (error) {
      lowStockList.replaceChildren(h('tr', {}, h('td', { colspan: 4 }, `Low stock could not be read: ${error.message}`)));
    }
  }

  let lowStockTimer = null;
  function onChange({ stockChanged: change }) {
    const key = rowKey(change.sku.code, change.warehouse.code);
    let entry = rows.get(key);
    if (!entry) {
      body.prepend(renderRow(change));
      entry = rows.get(key);
      flash(entry.row);
    }
    for (const column of ['onHand', 'reserved', 'available']) {
      const cell = entry.cells[column];
      const text = String(change[column]);
      if (cell.textContent !== text) {
        cell.textContent = text;
        flash(cell);
      }
    }
    flash(entry.row);
    const sign = change.delta > 0 ? '+' : '';
    lastEvent.textContent = `${formatTime(change.at)}: ${change.sku.code} at ${change.warehouse.code}, available ${sign}${change.delta} (${change.reason})`;
    clearTimeout(lowStockTimer);
    lowStockTimer = setTimeout(loadLowStock, 1000);
  }

  const stop = keepSubscribed(
    LiveStock,
    {},
    {
      onEvent: onChange,
      onProblem: (error) => {
        lastEvent.textContent = `Live stock stopped: ${error.message}${error.code ? ` (${error.code})` : ''}`;
      },
      onRestart: load,
    },
  );

  main.append(
    h(
      'form',
      {
        className: 'inline',
        role: 'search',
        onsubmit: (event) => {
          event.preventDefault();
          load();
        },
      },
      h('label', { for: 'dashboard-search' }, 'Products'),
      search,
      h('button', { type: 'submit' }, 'Show'),
    ),
    status,
    lastEvent,
    h(
      'div',
      { className: 'columns wide-first' },
      h(
        'section',
        { 'aria-labelledby': 'levels-heading' },
        h('h2', { id: 'levels-heading' }, 'Stock levels'),
        h(
          'table',
          { id: 'stock-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['SKU', 'Product', 'Warehouse', 'On hand', 'Reserved', 'Available'].map((name) => h('th', { scope: 'col' }, name)),
            ),
          ),
          body,
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'low-heading', className: 'panel' },
        h('h2', { id: 'low-heading' }, 'Low stock'),
        h(
          'table',
          { id: 'low-stock-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['SKU', 'Warehouse', 'Available', 'Reorder at'].map((name) => h('th', { scope: 'col' }, name)),
            ),
          ),
          lowStockList,
        ),
      ),
    ),
  );
  load();
  return () => {
    clearTimeout(lowStockTimer);
    stop();
  };
}
