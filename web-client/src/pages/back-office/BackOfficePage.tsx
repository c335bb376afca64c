import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Route, Routes } from 'react-router';
import { currentUser, onSessionChange } from '../../session.ts';
import { SECTIONS } from './sections.tsx';

/** The back office: the sections the signed-in staff member's scopes allow, each at #/back-office/<path>. */
export function BackOfficePage() {
  const { t } = useTranslation();
  const [user, setUser] = useState(currentUser);
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  if (user?.kind !== 'staff') {
    return (
      <section>
        <h1>{t('backOffice.title')}</h1>
        <p>
          {t('backOffice.signIn')} <Link to="/login">{t('nav.signIn')}</Link>
        </p>
      </section>
    );
  }
  const allowed = SECTIONS.filter((section) => section.anyOf.some((scope) => user.scopes.includes(scope)));
  return (
    <div className="back-office">
      <nav aria-label={t('backOffice.sections')} className="tabs">
        {allowed.map((section) => (
          <NavLink key={section.path} to={`/back-office/${section.path}`}>
            {t(section.label)}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route
          index
          element={
            <section>
              <h1>{t('backOffice.title')}</h1>
              <p>{allowed.length ? t('backOffice.choose') : t('backOffice.nothingAllowed')}</p>
            </section>
          }
        />
        {allowed.map((section) => (
          <Route key={section.path} path={`${section.path}/*`} element={section.element()} />
        ))}
        <Route path="*" element={<p>{t('notFound')}</p>} />
      </Routes>
    </div>
  );
}
