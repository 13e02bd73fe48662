// Test helpers: tar and zip archives written by hand (ustar headers; stored or deflated zip members).
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

/** A ustar archive of `files` (name → contents); names over 100 bytes use a pax `path` record. */
export function makeTar(files: Record<string, string | Uint8Array>, options: { gzip?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  const add = (name: string, data: Buffer, type: string) => {
    blocks.push(tarHeader(name, data.length, type), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  };
  for (const [name, contents] of Object.entries(files)) {
    const data = Buffer.from(contents);
    if (Buffer.byteLength(name) > 100) {
      const body = ` path=${name}\n`;
      let length = body.length;
      while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
      add('PaxHeader', Buffer.from(`${length}${body}`), 'x');
      add(name.slice(-99), data, '0');
    } else add(name, data, '0');
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return options.gzip ? gzipSync(tar) : tar;
}

function tarHeader(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** A zip archive of `files`, deflated (or stored with `store`). */
export function makeZip(files: Record<string, string | Uint8Array>, options: { store?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, contents] of Object.entries(files)) {
    const data = Buffer.from(contents);
    const packed = options.store ? data : deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const fields = (h: Buffer, at: number) => {
      h.writeUInt16LE(options.store ? 0 : 8, at);
      h.writeUInt32LE(crc32(data), at + 6);
      h.writeUInt32LE(packed.length, at + 10);
      h.writeUInt32LE(data.length, at + 14);
      h.writeUInt16LE(nameBytes.length, at + 18);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    fields(local, 8);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    fields(central, 10);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
