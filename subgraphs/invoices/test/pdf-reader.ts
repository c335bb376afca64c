import { execFile } from 'node:child_process';

/**
 * Reads a PDF as a reader does, with pdf.js (pdfjs-dist): every page's text,
 * the document's metadata, which font programs it embeds, and the QR code as
 * it appears on the first page (rendered to pixels by pdf.js and decoded by
 * jsQR). pdf.js is ESM only and loads its worker by itself, which Jest's
 * CommonJS transform cannot follow, so the reading runs in a child Node
 * process: this same file, run as a script with the PDF on standard input.
 */
export type PdfContents = {
  pages: number;
  /** Every non-blank text item, in content order, page after page. */
  texts: string[];
  info: Record<string, string>;
  /** How many embedded font programs of each kind (FontFile2: TrueType; FontFile3: CFF/OpenType) the file holds. */
  fontPrograms: { FontFile: number; FontFile2: number; FontFile3: number };
  /** Every font pdf.js loaded for the text, and whether it came from the file (not substituted by the reader). */
  fonts: { name: string; embedded: boolean }[];
  /** The text of the QR code on page 1, as decoded from the rendered page; null when there is none. */
  qrText: string | null;
};

export function readPdf(pdf: Buffer): Promise<PdfContents> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--no-warnings', import.meta.filename],
      { maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`reading the PDF failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as PdfContents);
      },
    );
    child.stdin!.on('error', reject);
    child.stdin!.end(pdf);
  });
}

async function readStandardInput(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function main(): Promise<void> {
  const bytes = await readStandardInput();
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const { createCanvas } = await import('@napi-rs/canvas');
  const jsqr = await import('jsqr');
  // jsQR is a CommonJS (UMD) bundle typed as an ES module: under Node's interop its function is the default export.
  const jsQR = jsqr.default as unknown as typeof jsqr.default.default;
  const raw = bytes.toString('latin1');
  const count = (key: string) => raw.match(new RegExp(`/${key}\\s`, 'g'))?.length ?? 0;
  const document = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true }).promise;
  const texts: string[] = [];
  const fonts = new Map<string, boolean>();
  let qrText: string | null = null;
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    for (const item of content.items) if ('str' in item && item.str.trim()) texts.push(item.str);
    await page.getOperatorList();
    for (const id of new Set(content.items.flatMap((item) => ('fontName' in item ? [item.fontName] : [])))) {
      const font = page.commonObjs.get(id) as { name: string; missingFile: boolean };
      fonts.set(font.name, !font.missingFile);
    }
    if (number === 1) {
      const viewport = page.getViewport({ scale: 3 });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const context = canvas.getContext('2d');
      // biome-ignore lint/suspicious/noExplicitAny: pdf.js types the browser's canvas; @napi-rs/canvas implements the same API.
      await page.render({ canvas: canvas as any, canvasContext: context as any, viewport }).promise;
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      qrText = jsQR(new Uint8ClampedArray(image.data.buffer), image.width, image.height)?.data ?? null;
    }
  }
  const info = (await document.getMetadata()).info as unknown as Record<string, string>;
  const contents: PdfContents = {
    pages: document.numPages,
    texts,
    info,
    fontPrograms: { FontFile: count('FontFile'), FontFile2: count('FontFile2'), FontFile3: count('FontFile3') },
    fonts: [...fonts].map(([name, embedded]) => ({ name, embedded })),
    qrText,
  };
  process.stdout.write(JSON.stringify(contents));
}

if (process.argv[1] === import.meta.filename) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
