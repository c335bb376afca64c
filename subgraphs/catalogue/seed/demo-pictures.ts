import { createHash } from 'node:crypto';
import { demoCategories } from '../../../demo/car-parts.ts';
import { encodePng } from './png.ts';

/**
 * The demo catalogue's product pictures. There is no network to fetch photos
 * from, so each category gets one picture drawn here: a disc and a band in a
 * colour of its own on a light ground, 160 by 120. Every product shows its
 * category's picture, so the few distinct images are shared by content hash
 * (the same URL for all products of a category). Drawn once per process and
 * kept: the tests seed the demo catalogue many times.
 */
export const DEMO_PICTURE_SIZE = { width: 160, height: 120 } as const;

export type DemoPicture = { bytes: Buffer; contentHash: string };

const drawn = new Map<string, DemoPicture>();

/** The picture of a demo category, by its key (drawn the first time it is asked for). */
export function demoPicture(categoryKey: string): DemoPicture {
  let picture = drawn.get(categoryKey);
  if (!picture) {
    const index = demoCategories.findIndex((category) => category.key === categoryKey);
    if (index < 0) throw new Error(`no demo category "${categoryKey}"`);
    const bytes = drawPicture(index, demoCategories.length);
    picture = { bytes, contentHash: createHash('sha256').update(bytes).digest('hex') };
    drawn.set(categoryKey, picture);
  }
  return picture;
}

function drawPicture(index: number, count: number): Buffer {
  const [r, g, b] = hueToRgb(index / count);
  const { width, height } = DEMO_PICTURE_SIZE;
  const radius = 34 + (index % 4) * 6;
  return encodePng(width, height, (x, y) => {
    const dx = x - width / 2;
    const dy = y - height / 2;
    if (dx * dx + dy * dy <= radius * radius) return [r, g, b];
    if (y >= height - 16) return [Math.round(r * 0.6), Math.round(g * 0.6), Math.round(b * 0.6)];
    return [244, 244, 240];
  });
}

/** A saturated colour around the colour wheel at `turn` (0 to 1). */
function hueToRgb(turn: number): [number, number, number] {
  const channel = (offset: number) => {
    const k = (offset + turn * 6) % 6;
    return Math.round(255 * (0.85 - 0.7 * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [channel(5), channel(3), channel(1)];
}
