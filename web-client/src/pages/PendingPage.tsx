import { useTranslation } from 'react-i18next';

/** Stands in for a page until it is ported from web-client/app/pages/ (issue 22). */
export function PendingPage({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t('pending.title', { page: title })}</h1>
      <p>{t('pending.body')}</p>
      <p>
        <a href="/">{t('pending.link')}</a>
      </p>
    </section>
  );
}
