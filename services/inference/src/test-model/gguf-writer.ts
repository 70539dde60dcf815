import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** GGUF metadata value types (ggml/docs/gguf.md). */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

/** The ggml tensor types this writer can encode. */
export const GgmlType = { F32: 0, F16: 1, Q8_0: 8 } as const;
export type GgmlType = (typeof GgmlType)[keyof typeof GgmlType];

export type GgufScalar =
  | { type: 'u16'; value: number }
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string };
export type GgufValue =
  | GgufScalar
  | { type: 'array'; itemType: 'i32' | 'f32' | 'string'; values: Array<number | string> };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the row length (innermost), as in the GGUF file. */
  dims: number[];
  type: GgmlType;
  /** Fills `out` with the tensor's values in row-major ggml order; called once, at write time. */
  fill: (out: Float32Array) => void;
}

const ALIGNMENT = 32;
const Q8_0_BLOCK = 32;

/** Bytes a tensor takes on disk. */
export function tensorSizeBytes(dims: readonly number[], type: GgmlType): number {
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (type === GgmlType.F32) return count * 4;
  if (type === GgmlType.F16) return count * 2;
  if ((dims[0] ?? 0) % Q8_0_BLOCK !== 0)
    throw new RangeError(`Q8_0 needs rows of a multiple of 32, got ${dims[0]}`);
  return (count / Q8_0_BLOCK) * 34;
}

/**
 * Writes a GGUF v3 file: header, typed metadata, tensor infos, then 32-byte aligned tensor data.
 * Tensors are produced one at a time, so an 8B-wide layer never has to sit in memory twice.
 */
export async function writeGguf(
  path: string,
  metadata: Record<string, GgufValue>,
  tensors: GgufTensor[],
): Promise<number> {
  const out = createWriteStream(path);
  let written = 0;
  const write = async (chunk: Buffer) => {
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };

  const header = new ByteWriter();
  header.u32(0x46554747); // "GGUF" little-endian
  header.u32(3);
  header.u64(tensors.length);
  header.u64(Object.keys(metadata).length + 1);
  header.string('general.alignment');
  header.u32(GgufValueType.UINT32);
  header.u32(ALIGNMENT);
  for (const [key, value] of Object.entries(metadata)) {
    header.string(key);
    writeValue(header, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const dim of tensor.dims) header.u64(dim);
    header.u32(tensor.type);
    header.u64(offset);
    offset = alignUp(offset + tensorSizeBytes(tensor.dims, tensor.type));
  }
  const headerBytes = header.toBuffer();
  await write(headerBytes);
  await write(Buffer.alloc(alignUp(headerBytes.length) - headerBytes.length));

  for (const tensor of tensors) {
    const values = new Float32Array(tensor.dims.reduce((product, dim) => product * dim, 1));
    tensor.fill(values);
    const encoded = encodeTensor(values, tensor.type);
    await write(encoded);
    await write(Buffer.alloc(alignUp(encoded.length) - encoded.length));
  }
  out.end();
  await once(out, 'finish');
  return written;
}

/** The file names llama.cpp expects for the parts of a split GGUF: `<prefix>-00001-of-00003.gguf`. */
export function splitPartPaths(prefix: string, count: number): string[] {
  const pad = (n: number) => String(n).padStart(5, '0');
  return Array.from({ length: count }, (_, i) => `${prefix}-${pad(i + 1)}-of-${pad(count)}.gguf`);
}

/**
 * Writes a split GGUF as llama.cpp's gguf-split does: the first part holds every metadata key, every
 * part holds `split.no`, `split.count` and `split.tensors.count`, and the tensors are spread over the
 * parts in order (each part's offsets are its own). llama.cpp loads the set from the first part.
 */
export async function writeGgufSplit(
  paths: readonly string[],
  metadata: Record<string, GgufValue>,
  tensors: GgufTensor[],
): Promise<number> {
  if (paths.length < 2 || tensors.length < paths.length)
    throw new RangeError(`a split GGUF needs at least 2 parts and a tensor per part (${paths.length} parts)`);
  let written = 0;
  for (const [index, path] of paths.entries()) {
    const split: Record<string, GgufValue> = {
      'split.no': { type: 'u16', value: index },
      'split.count': { type: 'u16', value: paths.length },
      'split.tensors.count': { type: 'i32', value: tensors.length },
    };
    const part = tensors.slice(
      Math.floor((index * tensors.length) / paths.length),
      Math.floor(((index + 1) * tensors.length) / paths.length),
    );
    written += await writeGguf(path, index === 0 ? { ...metadata, ...split } : split, part);
  }
  return written;
}

function writeValue(writer: ByteWriter, value: GgufValue): void {
  switch (value.type) {
    case 'u16':
      writer.u32(GgufValueType.UINT16);
      writer.u16(value.value);
      return;
    case 'u32':
      writer.u32(GgufValueType.UINT32);
      writer.u32(value.value);
      return;
    case 'i32':
      writer.u32(GgufValueType.INT32);
      writer.i32(value.value);
      return;
    case 'f32':
      writer.u32(GgufValueType.FLOAT32);
      writer.f32(value.value);
      return;
    case 'bool':
      writer.u32(GgufValueType.BOOL);
      writer.u8(value.value ? 1 : 0);
      return;
    case 'string':
      writer.u32(GgufValueType.STRING);
      writer.string(value.value);
      return;
    case 'array': {
      writer.u32(GgufValueType.ARRAY);
      const itemType = { i32: GgufValueType.INT32, f32: GgufValueType.FLOAT32, string: GgufValueType.STRING }[
        value.itemType
      ];
      writer.u32(itemType);
      writer.u64(value.values.length);
      for (const item of value.values) {
        if (value.itemType === 'string') writer.string(String(item));
        else if (value.itemType === 'i32') writer.i32(Number(item));
        else writer.f32(Number(item));
      }
    }
  }
}

/** Encodes float values as F32, F16 or Q8_0 (blocks of 32: an f16 scale, then 32 int8). */
export function encodeTensor(values: Float32Array, type: GgmlType): Buffer {
  if (type === GgmlType.F32) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (type === GgmlType.F16) {
    const buffer = Buffer.alloc(values.length * 2);
    for (let i = 0; i < values.length; i++) buffer.writeUInt16LE(toHalf(values[i]!), i * 2);
    return buffer;
  }
  const blocks = values.length / Q8_0_BLOCK;
  const buffer = Buffer.alloc(blocks * 34);
  const quants = new Int8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  for (let block = 0; block < blocks; block++) {
    const start = block * Q8_0_BLOCK;
    let maxAbs = 0;
    for (let i = 0; i < Q8_0_BLOCK; i++) {
      const value = values[start + i]!;
      if (value > maxAbs) maxAbs = value;
      else if (-value > maxAbs) maxAbs = -value;
    }
    // An all-zero block is a zero scale and zero quants: the buffer already holds that.
    if (maxAbs === 0) continue;
    const scale = maxAbs / 127;
    const inverse = 1 / scale;
    buffer.writeUInt16LE(toHalf(scale), block * 34);
    for (let i = 0; i < Q8_0_BLOCK; i++) {
      quants[block * 34 + 2 + i] = Math.round(values[start + i]! * inverse);
    }
  }
  return buffer;
}

const floatView = new Float32Array(1);
const intView = new Uint32Array(floatView.buffer);

/** IEEE 754 single → half precision bits (round to nearest; no NaN inputs here). */
export function toHalf(value: number): number {
  floatView[0] = value;
  const bits = intView[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const shifted = (mantissa | 0x800000) >> (1 - exponent);
    return sign | ((shifted + 0x1000) >> 13);
  }
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | ((mantissa + 0x1000) >> 13);
}

function alignUp(value: number): number {
  return Math.ceil(value / ALIGNMENT) * ALIGNMENT;
}

/** A growing little-endian byte buffer for the header. */
class ByteWriter {
  private chunks: Buffer[] = [];

  u8(value: number) {
    this.chunks.push(Buffer.from([value]));
  }
  u16(value: number) {
    const buffer = Buffer.alloc(2);
    buffer.writeUInt16LE(value);
    this.chunks.push(buffer);
  }
  u32(value: number) {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.chunks.push(buffer);
  }
  i32(value: number) {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    this.chunks.push(buffer);
  }
  f32(value: number) {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.chunks.push(buffer);
  }
  u64(value: number) {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.chunks.push(buffer);
  }
  string(value: string) {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.chunks.push(bytes);
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
