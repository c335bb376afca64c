import { crc32 } from 'node:zlib';

/**
 * What a product picture is, read from its own bytes: never from a declared
 * type or a file name, which a caller chooses. PNG, JPEG and WebP only, each
 * recognized by its signature and walked structurally (chunks, segments, the
 * RIFF length) to its proper end, so a file cut short or carrying anything
 * after its end (an HTML page appended to a PNG, say) is refused rather than
 * stored and served. The pixels are not decoded: the size comes from the header.
 */

export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';
export type ImageFacts = { contentType: ImageType; width: number; height: number };
export type ImageProblem = { problem: 'UNSUPPORTED' | 'MALFORMED'; detail: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function readImage(bytes: Buffer): ImageFacts | ImageProblem {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return readPng(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return readJpeg(bytes);
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return readWebp(bytes);
  return { problem: 'UNSUPPORTED', detail: 'the bytes are not a PNG, JPEG or WebP image (their first bytes name none of them)' };
}

const malformed = (detail: string): ImageProblem => ({ problem: 'MALFORMED', detail });

/** Chunks of length, type, data and CRC from the signature to IEND, which must be the last bytes. */
function readPng(bytes: Buffer): ImageFacts | ImageProblem {
  let offset = 8;
  let size: { width: number; height: number } | null = null;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const raw = bytes.toString('latin1', offset + 4, offset + 8);
    // Named in messages only when it is a chunk name: the bytes are the caller's.
    const type = /^[A-Za-z]{4}$/.test(raw) ? raw : 'next';
    const end = offset + 12 + length;
    if (end > bytes.length) return malformed(`the PNG's ${type} chunk runs past the end of the data (truncated)`);
    const stored = bytes.readUInt32BE(end - 4);
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== stored) return malformed(`the PNG's ${type} chunk fails its checksum`);
    if (size === null) {
      if (raw !== 'IHDR' || length !== 13) return malformed('a PNG must start with its IHDR chunk');
      size = { width: bytes.readUInt32BE(offset + 8), height: bytes.readUInt32BE(offset + 12) };
    }
    offset = end;
    if (raw === 'IEND') {
      if (offset !== bytes.length) return malformed('bytes follow the PNG after its IEND chunk');
      return { contentType: 'image/png', ...size };
    }
  }
  return malformed('the PNG ends before its IEND chunk (truncated)');
}

/** Marker segments up to the scan, taking the size from the frame header; the data must end with EOI. */
function readJpeg(bytes: Buffer): ImageFacts | ImageProblem {
  let offset = 2;
  let size: { width: number; height: number } | null = null;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return malformed(`no JPEG marker at byte ${offset}`);
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) return malformed('a JPEG segment runs past the end of the data (truncated)');
    // Start-of-frame markers C0-CF, except C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8) return malformed('the JPEG frame header is too short');
      size = { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    if (marker === 0xda) {
      if (!size) return malformed('the JPEG has no frame header before its scan');
      const last = bytes.length - 2;
      if (bytes[last] !== 0xff || bytes[last + 1] !== 0xd9)
        return malformed('the JPEG does not end with its EOI marker (truncated, or bytes follow it)');
      return { contentType: 'image/jpeg', ...size };
    }
    offset += 2 + length;
  }
  return malformed('the JPEG ends before its image data (truncated)');
}

/** The RIFF length must cover the data exactly; the first chunk (VP8, VP8L or VP8X) gives the size. */
function readWebp(bytes: Buffer): ImageFacts | ImageProblem {
  if (bytes.length < 30) return malformed('the WebP is shorter than its headers (truncated)');
  if (bytes.readUInt32LE(4) + 8 !== bytes.length)
    return malformed('the WebP is not as long as its RIFF header says (truncated, or bytes follow it)');
  const chunk = bytes.toString('latin1', 12, 16);
  const name = chunk.replace(/[^A-Za-z0-9 ]/g, '?').trim(); // the caller's bytes: named in messages as letters and digits only
  const data = 20;
  if (bytes.readUInt32LE(16) + data > bytes.length) return malformed(`the WebP's ${name} chunk runs past the end of the data`);
  if (chunk === 'VP8 ') {
    if (bytes[data + 3] !== 0x9d || bytes[data + 4] !== 0x01 || bytes[data + 5] !== 0x2a)
      return malformed('the WebP VP8 frame lacks its start code');
    return { contentType: 'image/webp', width: bytes.readUInt16LE(data + 6) & 0x3fff, height: bytes.readUInt16LE(data + 8) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (bytes[data] !== 0x2f) return malformed('the WebP VP8L chunk lacks its signature');
    const bits = bytes.readUInt32LE(data + 1);
    return { contentType: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    return { contentType: 'image/webp', width: bytes.readUIntLE(data + 4, 3) + 1, height: bytes.readUIntLE(data + 7, 3) + 1 };
  }
  return malformed(`the WebP's first chunk is "${name}", not VP8, VP8L or VP8X`);
}
