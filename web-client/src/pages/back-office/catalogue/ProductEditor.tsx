import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useParams } from 'react-router';
import { SubTabs } from '../../../components/actions.tsx';
import { Message } from '../../../components/forms.tsx';
import { CatalogueProduct } from './operations.ts';
import { EditDetails } from './ProductDetails.tsx';
import { ProductPictures } from './ProductPictures.tsx';
import { CATALOGUE_BASE } from './routes.ts';
import { SkuEditor } from './SkuEditor.tsx';

/** One product's editor: its details, its SKUs' prices and part numbers, and its pictures, each a sub-tab. */
export function ProductEditor() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { data, error } = useQuery(CatalogueProduct, { variables: { id }, fetchPolicy: 'cache-and-network' });
  if (error) return <Message kind="error">{t('failed', { message: error.message })}</Message>;
  if (!data) return <Message>{t('loading')}</Message>;
  const { product } = data;
  if (!product) return <Message kind="error">{t('catalogue.product.unknown')}</Message>;
  const base = `${CATALOGUE_BASE}/product/${product.id}`;
  return (
    <section aria-label={product.name}>
      <p className="muted">{t('catalogue.product.editing', { name: product.name })}</p>
      <SubTabs
        label={t('catalogue.product.parts')}
        tabs={[
          { to: `${base}/details`, label: t('catalogue.product.details') },
          { to: `${base}/skus`, label: t('catalogue.sku.title') },
          { to: `${base}/pictures`, label: t('catalogue.pictures.title') },
        ]}
      />
      <Routes>
        <Route index element={<Navigate to="details" replace />} />
        <Route path="details" element={<EditDetails key={product.id} product={product} />} />
        <Route path="skus" element={<SkuEditor product={product} />} />
        <Route path="pictures" element={<ProductPictures product={product} />} />
      </Routes>
    </section>
  );
}
