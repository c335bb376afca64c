import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const DAY_MS = 86_400_000;
/** The reports' default period: the last 30 UTC days, today included. */
const DEFAULT_DAYS = 30;

const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * A period of whole UTC days chosen with two date inputs, both days included; the graph's reports take an
 * instant range with `to` exclusive, so `to` is the start of the day after the last one. Null while a date is
 * missing or the last day comes before the first (the graph would refuse it).
 */
export function useDateRange() {
  const { t } = useTranslation();
  const today = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
  const [first, setFirst] = useState(isoDay(today - (DEFAULT_DAYS - 1) * DAY_MS));
  const [last, setLast] = useState(isoDay(today));
  const start = Date.parse(`${first}T00:00:00Z`);
  const end = Date.parse(`${last}T00:00:00Z`) + DAY_MS;
  const period =
    Number.isFinite(start) && Number.isFinite(end) && end > start
      ? { from: new Date(start).toISOString(), to: new Date(end).toISOString() }
      : null;
  const controls = (
    <fieldset className="report-period">
      <legend>{t('reports.period')}</legend>
      <label className="field">
        {t('reports.from')} <input type="date" value={first} onChange={(event) => setFirst(event.target.value)} />
      </label>
      <label className="field">
        {t('reports.to')} <input type="date" value={last} onChange={(event) => setLast(event.target.value)} />
      </label>
      {period ? null : <p role="alert">{t('reports.badPeriod')}</p>}
    </fieldset>
  );
  return { period, controls };
}
