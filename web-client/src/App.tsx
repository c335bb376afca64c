import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { onSocketStatus, type SocketStatus } from './apollo.ts';
import { LANGUAGES, type Language } from './i18n.ts';
import { PendingPage } from './pages/PendingPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { currentUser, onSessionChange, signOut } from './session.ts';

const PAGES = [
  { path: 'store', label: 'nav.store' },
  { path: 'basket', label: 'nav.basket' },
  { path: 'dashboard', label: 'nav.dashboard' },
  { path: 'orders', label: 'nav.orders' },
  { path: 'back-office', label: 'nav.backOffice' },
] as const;

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
          {PAGES.map((page) => (
            <NavLink key={page.path} to={`/${page.path}`}>
              {t(page.label)}
            </NavLink>
          ))}
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
          {PAGES.map((page) => (
            <Route key={page.path} path={page.path} element={<PendingPage title={t(page.label)} />} />
          ))}
          <Route path="*" element={<p>{t('notFound')}</p>} />
        </Routes>
      </main>
    </>
  );
}

function SocketStatusText() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<SocketStatus>('idle');
  useEffect(() => onSocketStatus(setStatus), []);
  return (
    <span className="muted" aria-live="polite">
      {t(`socket.${status}`)}
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
