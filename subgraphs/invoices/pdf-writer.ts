/**
 * A minimal PDF 1.4 writer: one or more A4 pages of text, no dependency.
 * Latin text uses the standard Helvetica fonts (WinAnsiEncoding; every PDF
 * reader has them, nothing is embedded). Text with other characters (Chinese
 * names) uses STSong-Light with the UniGB-UCS2-H encoding, one of the
 * standard CJK fonts of PDF that readers supply themselves (Acrobat with its
 * Asian font pack, pdf.js, Preview); it is written as hex UCS-2 and not
 * embedded, so a reader without CJK support shows placeholder glyphs. The
 * content streams are not compressed, which keeps the file readable (and
 * testable) as text.
 */
export type TextRun = { x: number; y: number; text: string; size?: number; bold?: boolean };
export type Page = { runs: TextRun[]; rules?: { x1: number; y1: number; x2: number; y2: number }[] };

export const A4 = { width: 595, height: 842 };

const isPlainLatin = (text: string) => /^[\x20-\x7e]*$/.test(text);

/** A PDF literal string: backslash, parentheses escaped. */
const literal = (text: string) => `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/** UCS-2 big-endian hex; characters outside the BMP become U+FFFD. */
const ucs2Hex = (text: string) =>
  `<${[...text]
    .map((char) => {
      const code = char.codePointAt(0)!;
      return (code > 0xffff ? 0xfffd : code).toString(16).padStart(4, '0');
    })
    .join('')}>`;

function contentOf(page: Page): string {
  const parts: string[] = [];
  for (const rule of page.rules ?? []) parts.push(`0.5 w ${rule.x1} ${rule.y1} m ${rule.x2} ${rule.y2} l S`);
  for (const run of page.runs) {
    const size = run.size ?? 10;
    const [font, shown] = isPlainLatin(run.text) ? [run.bold ? 'F2' : 'F1', literal(run.text)] : ['F3', ucs2Hex(run.text)];
    parts.push(`BT /${font} ${size} Tf ${run.x} ${run.y} Td ${shown} Tj ET`);
  }
  return `${parts.join('\n')}\n`;
}

export function writePdf(pages: readonly Page[], info: { title: string; producer?: string }): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) /* 1-based object number */;
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(''); // pages, filled in below
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  add('<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>');
  add(
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R >>',
  );
  add(
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  );
  add(`<< /Title ${literal(info.title)} /Producer ${literal(info.producer ?? 'commerce-supergraph invoices')} >>`);
  const pageRefs: string[] = [];
  for (const page of pages) {
    const content = contentOf(page);
    const contentNumber = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`);
    const pageNumber = add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${A4.width} ${A4.height}] /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents ${contentNumber} 0 R >>`,
    );
    pageRefs.push(`${pageNumber} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${pageRefs.join(' ')}] /Count ${pageRefs.length} >>`;

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 8 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
