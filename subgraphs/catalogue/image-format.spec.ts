import { readImage } from './image-format.ts';
import { encodePng } from './seed/png.ts';
import { JPEG_3X2, WEBP_3X2 } from './test/images.ts';

/** What a picture is, from its own bytes: type and size for the good ones, a named problem for the rest. */
const riff = (chunk: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from('WEBP'), Buffer.from(chunk, 'latin1'), Buffer.alloc(4), data]);
  body.writeUInt32LE(data.length, 8);
  const header = Buffer.from('RIFF\0\0\0\0', 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe('reading a picture from its bytes', () => {
  it('knows a PNG, a JPEG and each kind of WebP by their signature, with the size their header gives', () => {
    expect(readImage(encodePng(7, 5, () => [0, 0, 0]))).toEqual({ contentType: 'image/png', width: 7, height: 5 });
    expect(readImage(JPEG_3X2)).toEqual({ contentType: 'image/jpeg', width: 3, height: 2 });
    expect(readImage(WEBP_3X2)).toEqual({ contentType: 'image/webp', width: 3, height: 2 }); // VP8X, as Chromium writes it
    // VP8L: a signature byte, then width - 1 and height - 1 in 14 bits each.
    const lossless = Buffer.alloc(10);
    lossless[0] = 0x2f;
    lossless.writeUInt32LE((300 - 1) | ((200 - 1) << 14), 1);
    expect(readImage(riff('VP8L', lossless))).toEqual({ contentType: 'image/webp', width: 300, height: 200 });
    // VP8: a frame tag, the start code 9d 01 2a, then width and height in 14 bits each.
    const lossy = Buffer.from([0, 0, 0, 0x9d, 0x01, 0x2a, 0, 0, 0, 0]);
    lossy.writeUInt16LE(640, 6);
    lossy.writeUInt16LE(480, 8);
    expect(readImage(riff('VP8 ', lossy))).toEqual({ contentType: 'image/webp', width: 640, height: 480 });
  });

  it('takes a PNG with a chunk whose checksum fails, or without IHDR first, for malformed', () => {
    const png = encodePng(4, 4, () => [10, 20, 30]);
    const flipped = Buffer.from(png);
    flipped[45] = flipped[45]! ^ 0xff; // inside IDAT's data (IDAT starts at byte 33, its data at 41)
    expect(readImage(flipped)).toEqual({ problem: 'MALFORMED', detail: "the PNG's IDAT chunk fails its checksum" });
    const withoutHeader = Buffer.concat([png.subarray(0, 8), png.subarray(33)]);
    expect(readImage(withoutHeader)).toEqual({ problem: 'MALFORMED', detail: 'a PNG must start with its IHDR chunk' });
  });

  it('takes a JPEG without a frame header, or with bytes after its end, for malformed', () => {
    const scanOnly = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0xff, 0xd9]);
    expect(readImage(scanOnly)).toMatchObject({ problem: 'MALFORMED', detail: 'the JPEG has no frame header before its scan' });
    expect(readImage(Buffer.concat([JPEG_3X2, Buffer.from('<script>')]))).toMatchObject({ problem: 'MALFORMED' });
  });

  it('takes a WebP longer than its RIFF header says, or with an unknown first chunk, for malformed, naming the chunk safely', () => {
    expect(readImage(Buffer.concat([WEBP_3X2, Buffer.from('<html>')]))).toMatchObject({ problem: 'MALFORMED' });
    expect(readImage(riff('<sv>', Buffer.alloc(12)))).toEqual({
      problem: 'MALFORMED',
      detail: 'the WebP\'s first chunk is "?sv?", not VP8, VP8L or VP8X',
    });
  });

  it('does not take text, a GIF or nothing at all for a picture', () => {
    for (const bytes of [Buffer.from('<svg/>'), Buffer.from('GIF89a'), Buffer.alloc(0), Buffer.from([0xff, 0xd8])]) {
      expect(readImage(bytes)).toMatchObject({ problem: 'UNSUPPORTED' });
    }
  });
});
