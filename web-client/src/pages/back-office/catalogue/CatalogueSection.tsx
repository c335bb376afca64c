import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { SubTabs } from '../../../components/actions.tsx';
import { CreateProduct } from './ProductDetails.tsx';
import { ProductEditor } from './ProductEditor.tsx';
import { ProductList } from './ProductList.tsx';
import { ReferenceData } from './ReferenceData.tsx';
import { CATALOGUE_BASE } from './routes.ts';

/** The merchandiser's section (#/back-office/catalogue/…): products, one product's editor, brands and the like. */
export function CatalogueSection() {
  const { t } = useTranslation();
  return (
    <div className="catalogue-section">
      <h1>{t('catalogue.title')}</h1>
      <SubTabs
        label={t('catalogue.tasks')}
        tabs={[
          { to: `${CATALOGUE_BASE}/products`, label: t('catalogue.tabs.products') },
          { to: `${CATALOGUE_BASE}/new`, label: t('catalogue.tabs.new') },
          { to: `${CATALOGUE_BASE}/reference`, label: t('catalogue.tabs.reference') },
        ]}
      />
      <Routes>
        <Route index element={<Navigate to="products" replace />} />
        <Route path="products" element={<ProductList />} />
        <Route path="new" element={<CreateProduct />} />
        <Route path="product/:id/*" element={<ProductEditor />} />
        <Route path="reference" element={<ReferenceData />} />
      </Routes>
    </div>
  );
}
