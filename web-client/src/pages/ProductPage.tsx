import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { Message } from '../components/forms.tsx';
import { formatMoney } from '../format.ts';
import { graphql } from '../gql/index.ts';
import { AddButton } from './store/ProductList.tsx';

const ProductDetails = graphql(`
  query ProductDetails($id: ID!) {
    product(id: $id) {
      id
      name
      description
      brand {
        id
        name
      }
      category {
        id
        name
        path
      }
      fitments {
        make
        model
        yearFrom
        yearTo
      }
      skus {
        code
        name
        attributes {
          name
          value
        }
        price {
          amount
          currencyCode
        }
        stock {
          available
          levels {
            warehouse {
              id
              code
              name
            }
            onHand
            reserved
            available
          }
        }
      }
    }
  }
`);

/** One product: description, the vehicles it fits, and each SKU's availability per warehouse. */
export function ProductPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  // The store passes its search along, so "back" returns to the same result.
  const from = (useLocation().state as { search?: string } | null)?.search ?? '';
  const [added, setAdded] = useState<string | null>(null);
  const { data, error } = useQuery(ProductDetails, { variables: { id } });
  const product = data?.product;
  return (
    <>
      <p>
        <Link to={`/store${from}`}>{t('product.back')}</Link>
      </p>
      {added ? <Message>{t('store.added', { code: added })}</Message> : null}
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!data && !error ? <Message>{t('loading')}</Message> : null}
      {data && !product ? <Message kind="error">{t('product.notFound', { id })}</Message> : null}
      {product ? (
        <>
          <h1>{product.name}</h1>
          <p className="muted">{[product.brand.name, product.category.path ?? product.category.name].join(' · ')}</p>
          {product.description ? <p>{product.description}</p> : null}
          <h2>{t('product.fits')}</h2>
          {product.fitments.length ? (
            <ul>
              {product.fitments.map((fit) => (
                <li key={`${fit.make}/${fit.model}/${fit.yearFrom}`}>
                  {t('product.fitment', { make: fit.make, model: fit.model, from: fit.yearFrom, to: fit.yearTo })}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('product.universal')}</p>
          )}
          {product.skus.map((sku) => (
            <section key={sku.code} className="sku" aria-labelledby={`sku-${sku.code}`}>
              <h2 id={`sku-${sku.code}`}>
                <code>{sku.code}</code> {sku.name}
              </h2>
              <p>
                <strong>{formatMoney(sku.price)}</strong> · {t('product.availableCount', { count: sku.stock.available })}
                {sku.attributes.length ? ` · ${sku.attributes.map((a) => `${a.name}: ${a.value}`).join(', ')}` : ''}
              </p>
              <table>
                <caption>{t('product.byWarehouse')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('product.warehouse')}</th>
                    <th scope="col" className="number">
                      {t('product.onHand')}
                    </th>
                    <th scope="col" className="number">
                      {t('product.reserved')}
                    </th>
                    <th scope="col" className="number">
                      {t('store.available')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {sku.stock.levels.map((level) => (
                    <tr key={level.warehouse.id}>
                      <td>{level.warehouse.name}</td>
                      <td className="number">{level.onHand}</td>
                      <td className="number">{level.reserved}</td>
                      <td className="number">{level.available}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <AddButton sku={sku} productName={product.name} onAdded={setAdded} />
            </section>
          ))}
        </>
      ) : null}
    </>
  );
}
