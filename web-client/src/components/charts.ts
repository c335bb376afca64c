// Chart.js is tree-shaken: only the pieces the dashboards draw are registered, once, when a dashboard is loaded.
import { BarElement, CategoryScale, Chart, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(BarElement, CategoryScale, Legend, LinearScale, LineElement, PointElement, Tooltip);

/** Colours with enough contrast on white for the bars' meaning (the legend names them too). */
export const SERIES_COLOURS = ['#1f6feb', '#d97706', '#15803d', '#9333ea'] as const;

/**
 * Options every dashboard chart shares. No animation: a live update redraws at once, and a chart's pixels are
 * final as soon as it is drawn (the browser spec reads them).
 */
export const CHART_OPTIONS = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
} as const;
