import { inflateRawSync } from 'node:zlib';

/**
 * Reads the entries of a ZIP archive held in memory (OSV's `<Ecosystem>/all.zip`): the central
 * directory at the end, Zip64 when the archive has more than 65,535 entries or passes 4 GiB, and
 * stored or deflated members. Nothing is written to disk, so entry names cannot traverse paths;
 * each member is inflated with an output cap, so a zip bomb stops at the cap.
 */
export interface ZipEntry {
  name: string;
  read(): Buffer;
}

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function findEocd(buf: Buffer): number {
  // The end record is 22 bytes plus a comment of up to 65,535 bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  throw new ZipError('not a ZIP archive (no end of central directory)');
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('ZIP offset too large');
  return Number(v);
}

export function readZip(buf: Buffer, maxEntryBytes = 64 * 1024 * 1024): ZipEntry[] {
  if (buf.length < 22) throw new ZipError('not a ZIP archive (too short)');
  const eocd = findEocd(buf);
  let count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && buf.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const at = u64(buf, locator + 8);
    if (at + 56 > buf.length || buf.readUInt32LE(at) !== ZIP64_EOCD)
      throw new ZipError('broken Zip64 end record');
    count = u64(buf, at + 32);
    offset = u64(buf, at + 48);
  }
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL)
      throw new ZipError(`broken central directory entry ${i}`);
    const method = buf.readUInt16LE(p + 10);
    let compressed = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    // Zip64 extended information: the fields that overflowed, in this order.
    let x = p + 46 + nameLen;
    const extraEnd = x + extraLen;
    while (x + 4 <= extraEnd) {
      const id = buf.readUInt16LE(x);
      const len = buf.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) {
          size = u64(buf, q);
          q += 8;
        }
        if (compressed === 0xffffffff) {
          compressed = u64(buf, q);
          q += 8;
        }
        if (local === 0xffffffff) local = u64(buf, q);
      }
      x += 4 + len;
    }
    p = extraEnd + commentLen;
    if (name.endsWith('/')) continue;
    entries.push({
      name,
      read() {
        if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL)
          throw new ZipError(`${name}: broken local header`);
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(start, start + compressed);
        if (data.length !== compressed) throw new ZipError(`${name}: truncated`);
        if (size > maxEntryBytes) throw new ZipError(`${name}: ${size} bytes uncompressed, over the limit`);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data, { maxOutputLength: maxEntryBytes });
        throw new ZipError(`${name}: unsupported compression method ${method}`);
      },
    });
  }
  return entries;
}
