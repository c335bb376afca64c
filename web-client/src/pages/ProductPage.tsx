import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { Message } from '../components/forms.tsx';
import { formatMoney } from '../format.ts';
import type { ProductDetailsQuery } from '../gql/graphql.ts';
import { graphql } from '../gql/index.ts';
import { AddButton } from './store/ProductList.tsx';

const ProductDetails = graphql(`
  query ProductDetails($id: ID!) {
    product(id: $id) {
      id
      name
      description
      images {
        id
        url
        alt
        width
        height
      }
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
          {product.images.length ? <Pictures images={product.images} /> : null}
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

type Picture = NonNullable<ProductDetailsQuery['product']>['images'][number];

/**
 * The product's pictures, the main one first and large, the others small beside it; each is chosen to be shown large.
 * The router serves them at /images/<sha256> on this origin (the CSP allows only it) with the merchandiser's alt text.
 */
function Pictures({ images }: { images: readonly Picture[] }) {
  const [shownId, setShownId] = useState(images[0]?.id);
  const shown = images.find((image) => image.id === shownId) ?? images[0]!;
  return (
    <div className="product-pictures">
      <img src={shown.url} alt={shown.alt} width={shown.width} height={shown.height} />
      {images.length > 1 ? (
        <ul>
          {images.map((image) => (
            <li key={image.id}>
              <button type="button" aria-pressed={image.id === shown.id} onClick={() => setShownId(image.id)}>
                <img src={image.url} alt={image.alt} width={image.width} height={image.height} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
