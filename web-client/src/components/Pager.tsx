import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface CursorPages {
  /** The cursor to read the page shown after: null for the first page. */
  after: string | null;
  /** 1 for the first page. */
  page: number;
  hasPrevious: boolean;
  next(endCursor: string | null | undefined): void;
  previous(): void;
  /** Back to the first page (a new search or filter). */
  reset(): void;
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
    hasPrevious: cursors.length > 1,
    next: (endCursor) => setCursors((old) => [...old, endCursor ?? null]),
    previous: () => setCursors((old) => (old.length > 1 ? old.slice(0, -1) : old)),
    reset: () => setCursors([null]),
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

/** The Pager of a connection read with useCursorPages: its page info says whether there is a next page. */
export function ConnectionPager({
  label,
  pages,
  pageInfo,
  busy,
}: {
  label: string;
  pages: CursorPages;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  busy?: boolean;
}) {
  return (
    <Pager
      label={label}
      page={pages.page}
      hasNext={pageInfo?.hasNextPage ?? false}
      busy={busy}
      onPrevious={pages.previous}
      onNext={() => pages.next(pageInfo?.endCursor)}
    />
  );
}
