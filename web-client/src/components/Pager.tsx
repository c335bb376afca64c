import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface CursorPages {
  /** The cursor to read the page shown after: null for the first page. */
  after: string | null;
  /** 1 for the first page. */
  page: number;
  next(endCursor: string | null | undefined): void;
  previous(): void;
}

/**
 * Forward-only connections (first/after) read page by page: the cursors of the pages read so far are kept, so
 * "Previous" goes back without the API having to page backwards.
 */
export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors.at(-1) ?? null,
    page: cursors.length,
    next: (endCursor) => setCursors([...cursors, endCursor ?? null]),
    previous: () => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors),
  };
}

/** Previous and next buttons around "Page n", named for screen readers by `label`; nothing when there is one page. */
export function Pager({
  label,
  page,
  hasNext,
  busy = false,
  onPrevious,
  onNext,
}: {
  label: string;
  page: number;
  hasNext: boolean;
  busy?: boolean;
  onPrevious(): void;
  onNext(): void;
}) {
  const { t } = useTranslation();
  if (page <= 1 && !hasNext) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={page <= 1 || busy} onClick={onPrevious}>
        {t('store.previous')}
      </button>
      <span>{t('store.pageOf', { page })}</span>
      <button type="button" disabled={!hasNext || busy} onClick={onNext}>
        {t('store.next')}
      </button>
    </nav>
  );
}
