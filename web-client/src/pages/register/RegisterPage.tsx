import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Message } from '../../components/forms.tsx';
import { currentUser, onSessionChange } from '../../session.ts';
import { MemberLookup } from './MemberLookup.tsx';
import { RegisterWarehouses } from './operations.ts';
import { PlaceSale } from './PlaceSale.tsx';
import { SaleLines } from './SaleLines.tsx';
import { SaleOrder } from './SaleOrder.tsx';
import { ScanForm } from './ScanForm.tsx';
import { rememberedStore, rememberStore, useSale } from './sale.ts';

/** What a cashier's role grants and the till uses: selling (orders), taking cash (payments), members' points and SKUs. */
const CASHIER_SCOPES = ['orders:write', 'payments:write', 'members:read', 'catalogue:read', 'stock:read'];

/** The cash register (STORE channel): scan SKUs, find the member, apply coupon and points, take cash or a QR payment. */
export function RegisterPage() {
  const { t } = useTranslation();
  const [user, setUser] = useState(currentUser);
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  const sale = useSale();
  const mayUse = user?.kind === 'staff' && CASHIER_SCOPES.every((scope) => user.scopes.includes(scope));
  return (
    <div className="register">
      <h1>{t('register.title')}</h1>
      {!mayUse ? (
        <p>
          {t('register.needsCashier')} <Link to="/login">{t('nav.signIn')}</Link>
        </p>
      ) : sale.orderId ? (
        <SaleOrder orderId={sale.orderId} />
      ) : (
        <StoreTill />
      )}
    </div>
  );
}

function StoreTill() {
  const { t } = useTranslation();
  const { data, error } = useQuery(RegisterWarehouses);
  const [store, setStore] = useState(rememberedStore);
  if (error) return <Message kind="error">{t('failed', { message: error.message })}</Message>;
  if (!data) return <Message>{t('loading')}</Message>;
  const chosen = data.warehouses.find((warehouse) => warehouse.id === store);
  return (
    <>
      <div className="field">
        <label htmlFor="register-store">{t('register.store')}</label>
        <select
          id="register-store"
          value={chosen ? store : ''}
          onChange={(event) => {
            setStore(event.target.value);
            rememberStore(event.target.value);
          }}
        >
          <option value="">{t('register.chooseStore')}</option>
          {data.warehouses.map((warehouse) => (
            <option key={warehouse.id} value={warehouse.id}>
              {warehouse.name} ({warehouse.code})
            </option>
          ))}
        </select>
      </div>
      {chosen ? (
        <>
          <ScanForm />
          <SaleLines />
          <MemberLookup />
          <PlaceSale storeWarehouseId={chosen.id} />
        </>
      ) : null}
    </>
  );
}
