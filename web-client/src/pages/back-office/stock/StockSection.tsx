import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { SubTabs } from '../../../components/actions.tsx';
import { Corrections } from './Corrections.tsx';
import { Ledger } from './Ledger.tsx';
import { ReceiveAndTransfer } from './Movements.tsx';
import { PurchaseOrders } from './PurchaseOrders.tsx';
import { Warehouses } from './Warehouses.tsx';

const BASE = '/back-office/stock';

/** The stock clerk's section (#/back-office/stock/…): one task group per sub-tab keeps each page short. */
export function StockSection() {
  const { t } = useTranslation();
  return (
    <div className="stock-section">
      <h1>{t('stock.title')}</h1>
      <SubTabs
        label={t('stock.tasks')}
        tabs={[
          { to: `${BASE}/warehouses`, label: t('stock.tabs.warehouses') },
          { to: `${BASE}/purchase-orders`, label: t('stock.tabs.purchaseOrders') },
          { to: `${BASE}/receive`, label: t('stock.tabs.receive') },
          { to: `${BASE}/corrections`, label: t('stock.tabs.corrections') },
          { to: `${BASE}/ledger`, label: t('stock.tabs.ledger') },
        ]}
      />
      <Routes>
        <Route index element={<Navigate to="warehouses" replace />} />
        <Route path="warehouses" element={<Warehouses />} />
        <Route path="purchase-orders" element={<PurchaseOrders />} />
        <Route path="receive" element={<ReceiveAndTransfer />} />
        <Route path="corrections" element={<Corrections />} />
        <Route path="ledger" element={<Ledger />} />
      </Routes>
    </div>
  );
}
