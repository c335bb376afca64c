import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Route, Routes } from 'react-router';
import { Message } from '../../components/forms.tsx';
import { currentUser } from '../../session.ts';
import { CouponList } from './CouponList.tsx';
import { OrderList } from './OrderList.tsx';
import { AccountMe } from './operations.ts';
import { PointsLedger } from './PointsLedger.tsx';

/**
 * The signed-in member's own account: their orders (each with its history, invoices and returns), their points
 * ledger and their coupons, one section at a time (#/account, #/account/points, #/account/coupons), so a phone
 * never scrolls through all three.
 */
export function AccountPage() {
  const { t } = useTranslation();
  const isMember = currentUser()?.kind === 'member';
  const { data, error } = useQuery(AccountMe, { skip: !isMember, fetchPolicy: 'network-only' });
  if (!isMember) {
    return (
      <>
        <h1>{t('account.title')}</h1>
        <p>
          {t('account.signIn')} <Link to="/login">{t('nav.signIn')}</Link>
        </p>
      </>
    );
  }
  const me = data?.me;
  return (
    <>
      <h1>{t('account.title')}</h1>
      {error ? <Message kind="error">{t('failed', { message: error.message })}</Message> : null}
      {me ? <p data-testid="account-summary">{t('account.summary', { name: me.name, tier: me.tier.name, points: me.points })}</p> : null}
      <nav className="pager" aria-label={t('account.sections')}>
        <NavLink to="/account" end>
          {t('account.orders')}
        </NavLink>
        <NavLink to="/account/points">{t('account.points')}</NavLink>
        <NavLink to="/account/coupons">{t('account.coupons')}</NavLink>
      </nav>
      <Routes>
        <Route index element={<OrderList email={me?.email ?? ''} name={me?.name ?? ''} />} />
        <Route path="points" element={<PointsLedger balance={me?.points ?? 0} />} />
        <Route path="coupons" element={<CouponList />} />
      </Routes>
    </>
  );
}
