import { createHash } from 'node:crypto';
import type { CatalogueSettings } from './config.ts';
import { type ImageFacts, readImage } from './image-format.ts';
import type { CatalogueErrors } from './product-input.ts';

/**
 * The checks on an uploaded picture, in the order that costs least first:
 * the text's length (before decoding anything), base64 itself, the decoded
 * size, then the bytes' own signature, structure and header size
 * (image-format.ts). Each refusal has its own code and names `input.data`.
 */
export type CheckedImage = ImageFacts & { bytes: Buffer; contentHash: string };

/** Standard base64 with its padding, as `Buffer.toString('base64')` writes it; no data: URL, no line breaks. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const FIELD = 'input.data';

export function checkImage(
  errors: CatalogueErrors,
  data: string,
  limits: Pick<CatalogueSettings, 'productImageMaxBytes' | 'productImageMaxDimension'>,
): CheckedImage | null {
  const maxBytes = limits.productImageMaxBytes;
  // Four characters per three bytes: a longer text decodes to more than the cap, so it is refused undecoded.
  if (data.length > Math.ceil(maxBytes / 3) * 4) {
    errors.add(
      'IMAGE_TOO_LARGE',
      FIELD,
      `a picture may have at most ${maxBytes} bytes; received about ${Math.floor((data.length * 3) / 4)}`,
    );
    return null;
  }
  if (data.length === 0 || !BASE64.test(data)) {
    errors.add('IMAGE_NOT_BASE64', FIELD, `${FIELD} must be the picture's bytes in standard base64 (A-Z, a-z, 0-9, + and /, = padding)`);
    return null;
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > maxBytes) {
    errors.add('IMAGE_TOO_LARGE', FIELD, `a picture may have at most ${maxBytes} bytes; received ${bytes.length}`);
    return null;
  }
  const facts = readImage(bytes);
  if ('problem' in facts) {
    errors.add(facts.problem === 'UNSUPPORTED' ? 'IMAGE_TYPE_UNSUPPORTED' : 'IMAGE_MALFORMED', FIELD, facts.detail);
    return null;
  }
  if (facts.width === 0 || facts.height === 0) {
    errors.add('IMAGE_MALFORMED', FIELD, `the picture's header says it is ${facts.width} by ${facts.height} pixels`);
    return null;
  }
  const max = limits.productImageMaxDimension;
  if (facts.width > max || facts.height > max) {
    errors.add(
      'IMAGE_DIMENSIONS_TOO_LARGE',
      FIELD,
      `a picture may be at most ${max} pixels wide and high; this one is ${facts.width} by ${facts.height}`,
    );
    return null;
  }
  return { ...facts, bytes, contentHash: createHash('sha256').update(bytes).digest('hex') };
}
