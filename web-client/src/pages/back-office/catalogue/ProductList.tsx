import { useQuery } from '@apollo/client/react';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formValue, Message } from '../../../components/forms.tsx';
import { ConnectionPager, useCursorPages } from '../../../components/Pager.tsx';
import { TableHead } from '../../../components/tables.tsx';
import { formatMoney } from '../../../format.ts';
import { CatalogueProducts } from './operations.ts';
import { CATALOGUE_BASE } from './routes.ts';

/** Products per page: one row each keeps a page well within three screens. */
const PAGE_SIZE = 15;

/** Every product, inactive ones too, searched by words and paged; each opens its editor. */
export function ProductList() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const pages = useCursorPages();
  const { data, error } = useQuery(CatalogueProducts, {
    variables: { search: search || null, first: PAGE_SIZE, after: pages.after },
    fetchPolicy: 'cache-and-network',
  });
  const searchId = useId();
  const headingId = useId();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSearch(formValue(event.currentTarget, 'search'));
    pages.reset();
  }
  const products = data?.products;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('catalogue.products.title')}</h2>
      <search>
        <form className="inline" onSubmit={submit}>
          <label htmlFor={searchId}>{t('catalogue.products.search')}</label>
          <input type="search" id={searchId} name="search" maxLength={200} />
          <button type="submit">{t('catalogue.products.find')}</button>
        </form>
      </search>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!products ? (
        <Message>{t('loading')}</Message>
      ) : products.edges.length === 0 ? (
        <Message>{t('catalogue.products.none')}</Message>
      ) : (
        <table id="catalogue-products">
          <caption>{t('catalogue.products.caption', { page: pages.page, count: products.totalCount })}</caption>
          <TableHead
            columns={[
              t('catalogue.products.name'),
              t('catalogue.products.brand'),
              t('catalogue.products.category'),
              t('catalogue.products.skus'),
              t('catalogue.products.active'),
            ]}
          />
          <tbody>
            {products.edges.map(({ node }) => (
              <tr key={node.id}>
                <td>
                  <Link to={`${CATALOGUE_BASE}/product/${node.id}`}>{node.name}</Link>
                </td>
                <td>{node.brand.name}</td>
                <td>{node.category.path}</td>
                <td>{node.skus.map((sku) => `${sku.code} ${formatMoney(sku.price)}`).join(', ')}</td>
                <td>{node.active ? t('catalogue.yes') : t('catalogue.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConnectionPager label={t('catalogue.products.title')} pages={pages} pageInfo={products?.pageInfo} />
    </section>
  );
}
