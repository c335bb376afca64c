import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { onSocketStatus, type SocketStatus } from './apollo.ts';
import { useBasket } from './basket.ts';
import { LANGUAGES, type Language } from './i18n.ts';
import { AccountPage } from './pages/account/AccountPage.tsx';
import { BackOfficePage } from './pages/back-office/BackOfficePage.tsx';
import { BasketPage } from './pages/basket/BasketPage.tsx';
import { StockDashboardPage } from './pages/dashboard/StockDashboardPage.tsx';
import { OrdersDashboardPage } from './pages/orders/OrdersDashboardPage.tsx';
import { ProductPage } from './pages/ProductPage.tsx';
import { RegisterPage } from './pages/register/RegisterPage.tsx';
import { allowedReports, ReportsPage } from './pages/reports/ReportsPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { StorePage } from './pages/store/StorePage.tsx';
import { currentUser, onSessionChange, signOut } from './session.ts';

export function App() {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip" href="#page">
        {t('skip')}
      </a>
      <header>
        <nav aria-label={t('nav.main')}>
          <NavLink className="brand" to="/store">
            {t('brand')}
          </NavLink>
          <NavLink to="/store">{t('nav.store')}</NavLink>
          <BasketLink />
          <AccountLink />
          <NavLink to="/dashboard">{t('nav.dashboard')}</NavLink>
          <NavLink to="/orders">{t('nav.orders')}</NavLink>
          <NavLink to="/register">{t('nav.register')}</NavLink>
          <NavLink to="/back-office">{t('nav.backOffice')}</NavLink>
          <ReportsLink />
          <a href="/graphiql">GraphiQL</a>
        </nav>
        <div className="session">
          <SocketStatusText />
          <UserText />
          <LanguageSwitch />
        </div>
      </header>
      <main id="page" tabIndex={-1}>
        <Routes>
          <Route index element={<Navigate to="/store" replace />} />
          <Route path="login" element={<SignInPage />} />
          <Route path="store" element={<StorePage />} />
          <Route path="product/:id" element={<ProductPage />} />
          <Route path="basket" element={<BasketPage />} />
          <Route path="account/*" element={<AccountPage />} />
          <Route path="dashboard" element={<StockDashboardPage />} />
          <Route path="orders" element={<OrdersDashboardPage />} />
          <Route path="register" element={<RegisterPage />} />
          <Route path="back-office/*" element={<BackOfficePage />} />
          <Route path="reports/*" element={<ReportsPage />} />
          <Route path="*" element={<p>{t('notFound')}</p>} />
        </Routes>
      </main>
    </>
  );
}

function BasketLink() {
  const { t } = useTranslation();
  const count = useBasket().reduce((sum, line) => sum + line.quantity, 0);
  return <NavLink to="/basket">{count ? t('nav.basketCount', { count }) : t('nav.basket')}</NavLink>;
}

/** The member's own account, for a signed-in member only (staff have none). */
function AccountLink() {
  const { t } = useTranslation();
  const [user, setUser] = useState(currentUser);
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  return user?.kind === 'member' ? <NavLink to="/account">{t('account.title')}</NavLink> : null;
}

/** The reports, for staff allowed at least one of them. */
function ReportsLink() {
  const { t } = useTranslation();
  const [user, setUser] = useState(currentUser);
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  return allowedReports(user).length ? <NavLink to="/reports">{t('reports.navLink')}</NavLink> : null;
}

function SocketStatusText() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<SocketStatus>('idle');
  useEffect(() => onSocketStatus(setStatus), []);
  return (
    <span className="muted" aria-live="polite">
      {/* No socket yet says nothing: i18next shows an empty translation as its key, "socket.idle". */}
      {status === 'idle' ? '' : t(`socket.${status}`)}
    </span>
  );
}

function UserText() {
  const { t } = useTranslation();
  const [user, setUser] = useState(currentUser);
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  // Signed out shows words, never a literal "null".
  if (!user) {
    return (
      <>
        <span>{t('user.signedOut')}</span> <NavLink to="/login">{t('nav.signIn')}</NavLink>
      </>
    );
  }
  return (
    <span>
      {t('user.signedIn', { subject: user.subject })}{' '}
      <button type="button" onClick={signOut}>
        {t('user.signOut')}
      </button>
    </span>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label>
      {t('language')}{' '}
      <select value={i18n.language} onChange={(event) => void i18n.changeLanguage(event.target.value as Language)}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
