import type { ReactNode } from 'react';
import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { CHART_OPTIONS, SERIES_COLOURS } from '../../components/charts.ts';
import { downloadCsv, toCsv } from './csv.ts';

export interface ReportColumn {
  /** A key under reports.column. */
  label: string;
  numeric?: boolean;
}

export interface ReportSeries {
  label: string;
  values: number[];
}

/**
 * One report: its heading, controls, a bar chart, the table the chart draws and a CSV of exactly the table's
 * rows. Cells show the graph's exact figures (money as its decimal amount beside a currency column), so the
 * table, the CSV and the API agree to the last digit.
 */
export function ReportView(props: {
  id: string;
  title: string;
  controls?: ReactNode;
  summary?: ReactNode;
  chartTitle: string;
  labels: string[];
  series: ReportSeries[];
  columns: ReportColumn[];
  rows: string[][];
  loading: boolean;
  error?: string;
}) {
  const { t } = useTranslation();
  const header = props.columns.map((column) => t(`reports.column.${column.label}`));
  return (
    <section aria-labelledby={`${props.id}-title`} data-report={props.id}>
      <h1 id={`${props.id}-title`}>{props.title}</h1>
      {props.controls}
      {props.error ? <p role="alert">{props.error}</p> : null}
      {props.loading ? <p aria-live="polite">{t('reports.loading')}</p> : null}
      {props.summary}
      {!props.loading && !props.error && props.rows.length === 0 ? <p>{t('reports.empty')}</p> : null}
      {props.rows.length > 0 ? (
        <>
          <figure className="chart" data-chart={props.id}>
            <figcaption>{props.chartTitle}</figcaption>
            <div style={{ position: 'relative', height: '14rem' }}>
              <Bar
                role="img"
                aria-label={props.chartTitle}
                options={CHART_OPTIONS}
                data={{
                  labels: props.labels,
                  datasets: props.series.map((series, index) => ({
                    label: series.label,
                    data: series.values,
                    backgroundColor: SERIES_COLOURS[index % SERIES_COLOURS.length],
                  })),
                }}
              >
                {props.chartTitle}
              </Bar>
            </div>
          </figure>
          <p>
            <button type="button" onClick={() => downloadCsv(`${props.id}.csv`, toCsv(header, props.rows))}>
              {t('reports.downloadCsv')}
            </button>
          </p>
          <table id={`${props.id}-table`}>
            <caption>{props.title}</caption>
            <thead>
              <tr>
                {props.columns.map((column, index) => (
                  <th key={column.label} scope="col" className={column.numeric ? 'number' : undefined}>
                    {header[index]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={row.join('\u0000')}>
                  {row.map((cell, index) => (
                    <td key={props.columns[index]!.label} className={props.columns[index]!.numeric ? 'number' : undefined}>
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
