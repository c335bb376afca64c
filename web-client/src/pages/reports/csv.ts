/**
 * A report's rows as RFC 4180 CSV: every field quoted (a quote doubled), CRLF between records, so commas, quotes
 * and line breaks in names survive a spreadsheet. Values are the exact figures the graph answered, never formatted.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const record = (fields: readonly string[]) => fields.map((field) => `"${field.replace(/"/g, '""')}"`).join(',');
  return `${[header, ...rows].map(record).join('\r\n')}\r\n`;
}

/** Offers the CSV as a file download through a Blob URL, released once the browser has taken it. */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
