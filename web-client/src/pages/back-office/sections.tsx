import type { ReactElement } from 'react';
import { CatalogueSection } from './catalogue/CatalogueSection.tsx';
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
];
