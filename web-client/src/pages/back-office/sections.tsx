import type { ReactElement } from 'react';
import { ApiKeysSection } from './api-keys/ApiKeysSection.tsx';
import { CatalogueSection } from './catalogue/CatalogueSection.tsx';
import { InvoicesSection } from './invoices/InvoicesSection.tsx';
import { MembersSection } from './members/MembersSection.tsx';
import { OrdersSection } from './orders/OrdersSection.tsx';
import { PaymentsSection } from './payments/PaymentsSection.tsx';
import { StockSection } from './stock/StockSection.tsx';

/**
 * One task area of the back office: its route under #/back-office/, its title's i18n key, the scopes that let a
 * staff member use it (any one of them shows it; the router still checks every field), and its page.
 * Each area adds its own line here; the shell (BackOfficePage.tsx) shows only what the signed-in role may do.
 */
export interface BackOfficeSection {
  path: string;
  label: string;
  anyOf: readonly string[];
  element: () => ReactElement;
}

export const SECTIONS: readonly BackOfficeSection[] = [
  { path: 'catalogue', label: 'catalogue.section', anyOf: ['catalogue:write'], element: () => <CatalogueSection /> },
  { path: 'stock', label: 'stock.section', anyOf: ['stock:write'], element: () => <StockSection /> },
  { path: 'orders', label: 'boOrders.section', anyOf: ['orders:write'], element: () => <OrdersSection /> },
  { path: 'members', label: 'boMembers.section', anyOf: ['members:write'], element: () => <MembersSection /> },
  // createApiKey and the other key mutations need members:write (schema/api.graphql, the members subgraph).
  { path: 'api-keys', label: 'boKeys.section', anyOf: ['members:write'], element: () => <ApiKeysSection /> },
  { path: 'invoices', label: 'boInvoices.section', anyOf: ['invoices:write'], element: () => <InvoicesSection /> },
  { path: 'payments', label: 'boPayments.section', anyOf: ['payments:read'], element: () => <PaymentsSection /> },
];
