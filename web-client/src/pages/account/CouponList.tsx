import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Message } from '../../components/forms.tsx';
import { Pager } from '../../components/Pager.tsx';
import { formatDate } from '../../format.ts';
import { AccountCoupons } from './operations.ts';

/** Coupons per page: the API lists them all at once, so the page shows them in slices. */
const COUPONS_PER_PAGE = 8;

/** The member's coupons, newest first, used and expired ones included, each saying whether it can still be used. */
export function CouponList() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const { data, error } = useQuery(AccountCoupons, { fetchPolicy: 'cache-and-network' });
  const coupons = data?.me?.coupons;
  const shown = coupons?.slice((page - 1) * COUPONS_PER_PAGE, page * COUPONS_PER_PAGE) ?? [];
  return (
    <section aria-labelledby="account-coupons">
      <h2 id="account-coupons">{t('account.coupons')}</h2>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {!coupons && !error ? <Message>{t('loading')}</Message> : null}
      {coupons ? (
        <p className="muted">{coupons.length ? t('account.couponsCount', { count: coupons.length }) : t('account.noCoupons')}</p>
      ) : null}
      <ul id="coupons">
        {shown.map((coupon) => (
          <li key={coupon.code}>
            <code>{coupon.code}</code> {coupon.description} ·{' '}
            {coupon.redeemed
              ? t('account.couponRedeemed')
              : new Date(coupon.validUntil).getTime() <= Date.now()
                ? t('account.couponExpired', { time: formatDate(coupon.validUntil) })
                : t('account.couponUsable', { time: formatDate(coupon.validUntil) })}
          </li>
        ))}
      </ul>
      {coupons ? (
        <Pager
          label={t('account.couponsPaging')}
          page={page}
          hasNext={page * COUPONS_PER_PAGE < coupons.length}
          onPrevious={() => setPage(page - 1)}
          onNext={() => setPage(page + 1)}
        />
      ) : null}
    </section>
  );
}
