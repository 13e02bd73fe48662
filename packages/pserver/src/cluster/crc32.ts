/**
 * CRC-32 (IEEE 802.3, the polynomial of zlib, PNG and Ethernet), slicing by 8. `crc32(b, crc32(a))` is the
 * CRC of `a` followed by `b`, so a message's frames are checked without joining them.
 * @example
 * crc32(Buffer.from('123456789')) === 0xcbf43926
 */
export function crc32(data: Uint8Array, previous = 0): number {
  let c = ~previous;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const a = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c = T[7 * 256 + (a & 0xff)]! ^ T[6 * 256 + ((a >>> 8) & 0xff)]! ^ T[5 * 256 + ((a >>> 16) & 0xff)]! ^ T[4 * 256 + (a >>> 24)]!
      ^ T[3 * 256 + data[i + 4]!]! ^ T[2 * 256 + data[i + 5]!]! ^ T[256 + data[i + 6]!]! ^ T[data[i + 7]!]!;
  }
  for (; i < n; i++) c = T[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** T[k·256 + b]: the CRC of byte b followed by k zero bytes. */
const T = (() => {
  const t = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) for (let k = 1; k < 8; k++) t[k * 256 + b] = t[(k - 1) * 256 + b]! >>> 8 ^ t[t[(k - 1) * 256 + b]! & 0xff]!;
  return t;
})();
