/** A rate in basis points as the schema's Decimal: 1300 -> "0.13", 0 -> "0". */
export function taxRateText(bp: number): string {
  if (bp === 0) return '0';
  return `0.${String(bp).padStart(4, '0')}`.replace(/0+$/, '');
}
