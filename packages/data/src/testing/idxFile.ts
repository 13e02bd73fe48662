// Test helper: encodes IDX files (big-endian), the inverse of readIdx.
const SIZES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

export function encodeIdx(typeCode: number, dims: number[], values: ArrayLike<number>): Uint8Array {
  const size = SIZES[typeCode]!;
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + values.length * size);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, typeCode, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < values.length; i++) {
    const o = header + i * size;
    const v = values[i]!;
    if (typeCode === 0x08) view.setUint8(o, v);
    else if (typeCode === 0x09) view.setInt8(o, v);
    else if (typeCode === 0x0b) view.setInt16(o, v);
    else if (typeCode === 0x0c) view.setInt32(o, v);
    else if (typeCode === 0x0d) view.setFloat32(o, v);
    else view.setFloat64(o, v);
  }
  return bytes;
}
