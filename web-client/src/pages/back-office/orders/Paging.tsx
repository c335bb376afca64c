import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Cursor paging for a back-office list: the cursors of the pages seen so far, so Previous goes back exactly. */
export function useCursorPaging() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    next: (endCursor: string | null | undefined) => setCursors((seen) => [...seen, endCursor ?? null]),
    previous: () => setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)),
    reset: () => setCursors([null]),
  };
}

/** Previous and next around the page number; nothing when everything fits on one page. */
export function Pager({
  label,
  page,
  hasNext,
  onPrevious,
  onNext,
}: {
  label: string;
  page: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  if (page <= 1 && !hasNext) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={onPrevious}>
        {t('boOrders.previous')}
      </button>
      <span>{t('boOrders.page', { page })}</span>
      <button type="button" disabled={!hasNext} onClick={onNext}>
        {t('boOrders.next')}
      </button>
    </nav>
  );
}
