import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { addToBasket } from '../../basket.ts';
import { formatMoney, type Money } from '../../format.ts';
import type { StoreProductFragment } from '../../gql/graphql.ts';

type Product = StoreProductFragment;
/** What adding a SKU needs: the search's and the product page's SKUs both have it. */
type Sku = { code: string; name: string; price: Money; stock: { available: number } };

/** One page of results: each product with its SKUs' prices and availability, and a button to add each. */
export function ProductList({ products, onAdded }: { products: Product[]; onAdded: (code: string) => void }) {
  const { t } = useTranslation();
  const { search } = useLocation();
  return (
    <ul className="products">
      {products.map((product) => (
        <li key={product.id} className="product">
          <h2>
            <Link to={`/product/${encodeURIComponent(product.id)}`} state={{ search }}>
              {product.name}
            </Link>
          </h2>
          <p className="muted">{[product.brand.name, product.category.name].join(' · ')}</p>
          <table>
            <caption className="visually-hidden">{t('store.skusOf', { name: product.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('store.sku')}</th>
                <th scope="col" className="number">
                  {t('store.unitPrice')}
                </th>
                <th scope="col" className="number">
                  {t('store.available')}
                </th>
                <td />
              </tr>
            </thead>
            <tbody>
              {product.skus.map((sku) => (
                <tr key={sku.code}>
                  <td>
                    <code>{sku.code}</code> {sku.name}
                  </td>
                  <td className="number">{formatMoney(sku.price)}</td>
                  <td className="number">{sku.stock.available}</td>
                  <td>
                    <AddButton sku={sku} productName={product.name} onAdded={onAdded} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </li>
      ))}
    </ul>
  );
}

export function AddButton({ sku, productName, onAdded }: { sku: Sku; productName: string; onAdded: (code: string) => void }) {
  const { t } = useTranslation();
  const inStock = sku.stock.available > 0;
  return (
    <button
      type="button"
      disabled={!inStock}
      // The name starts with the visible words (WCAG 2.5.3) and says which SKU, as the row shows.
      aria-label={t(inStock ? 'store.addLabel' : 'store.outOfStockLabel', { code: sku.code })}
      onClick={() => {
        addToBasket(sku, productName);
        onAdded(sku.code);
      }}
    >
      {inStock ? t('store.add') : t('store.outOfStock')}
    </button>
  );
}
