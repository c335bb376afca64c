import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Route, Routes } from 'react-router';
import { currentUser, onSessionChange } from '../../session.ts';
import { MembersReport } from './MembersReport.tsx';
import { SalesPerDayReport, TopSkusReport } from './SalesReports.tsx';
import { StockValuationReport } from './StockReport.tsx';

/** Each report at #/reports/<path>, shown only to staff holding the scope its query needs (the graph refuses others). */
export const REPORTS: { path: string; label: string; scope: string; element: () => ReactNode }[] = [
  { path: 'sales', label: 'reports.salesPerDay', scope: 'orders:read', element: () => <SalesPerDayReport /> },
  { path: 'top-skus', label: 'reports.topSkusTab', scope: 'orders:read', element: () => <TopSkusReport /> },
  { path: 'stock', label: 'reports.stockValuation', scope: 'stock:read', element: () => <StockValuationReport /> },
  { path: 'members', label: 'reports.members', scope: 'members:read', element: () => <MembersReport /> },
];

/** The reports a staff member's scopes allow (none for anyone else). */
export function allowedReports(user: ReturnType<typeof currentUser>) {
  return user?.kind === 'staff' ? REPORTS.filter((report) => user.scopes.includes(report.scope)) : [];
}

/** The reports: a tab per report the staff member may run, one report per page so none grows past three screens. */
export function ReportsPage() {
  const { t } = useTranslation();
  const [user, setUser] = useState(currentUser);
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  if (user?.kind !== 'staff') {
    return (
      <section>
        <h1>{t('reports.title')}</h1>
        <p>
          {t('reports.signIn')} <Link to="/login">{t('nav.signIn')}</Link>
        </p>
      </section>
    );
  }
  const allowed = allowedReports(user);
  return (
    <div className="reports">
      <nav aria-label={t('reports.tabs')} className="tabs">
        {allowed.map((report) => (
          <NavLink key={report.path} to={`/reports/${report.path}`}>
            {t(report.label, { count: 10 })}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route
          index
          element={
            allowed[0] ? (
              <Navigate to={`/reports/${allowed[0].path}`} replace />
            ) : (
              <section>
                <h1>{t('reports.title')}</h1>
                <p>{t('reports.nothingAllowed')}</p>
              </section>
            )
          }
        />
        {allowed.map((report) => (
          <Route key={report.path} path={report.path} element={report.element()} />
        ))}
        <Route path="*" element={<p>{t('notFound')}</p>} />
      </Routes>
    </div>
  );
}
