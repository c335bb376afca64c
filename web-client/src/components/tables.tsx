/** A column heading: its text, or [text, 'number'] for a column of numbers (aligned right by the .number class). */
export type Column = string | readonly [string, 'number'];

/** A table's header row of column headings, so each list declares its columns in one line. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === 'string' ? (
            <th key={column} scope="col">
              {column}
            </th>
          ) : (
            <th key={column[0]} scope="col" className={column[1]}>
              {column[0]}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
