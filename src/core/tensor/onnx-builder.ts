/**
 * Builds ONNX models in code: a small graph description, encoded to the protobuf bytes of an
 * `onnx.ModelProto` that any ONNX Runtime (`onnxruntime-node`, `onnxruntime-web`) loads directly.
 *
 * Only the fields the kernels (and tests of model runtimes) need are written. Field numbers follow
 * `onnx/onnx.proto` (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
 * TypeProto, TensorShapeProto, OperatorSetIdProto); a protobuf library would be a heavier dependency
 * for the same few dozen lines.
 */
import { ShapeError } from '../errors.js';

/** Element types the builder can declare, named as `onnxruntime-common` names them. */
export type OnnxDataType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool';

/** `TensorProto.DataType` codes. */
const DATA_TYPE_CODE: Record<OnnxDataType, number> = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** A dimension: a fixed size, or a name for a size that is only known at run time. */
export type OnnxDim = number | string;

/** A graph input or output: name, element type and (optionally) shape. */
export interface OnnxValueInfo {
  name: string;
  type: OnnxDataType;
  /** Omit for a value of unknown rank. */
  shape?: readonly OnnxDim[];
}

/** A node attribute; `type` says which ONNX attribute kind is written. */
export type OnnxAttribute =
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'ints'; value: readonly number[] }
  | { name: string; type: 'floats'; value: readonly number[] }
  | { name: string; type: 'tensor'; value: OnnxTensor };

/** A constant tensor (an initializer or a tensor attribute), stored row-major as raw little-endian bytes. */
export interface OnnxTensor {
  name?: string;
  type: OnnxDataType;
  dims: readonly number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | readonly number[];
}

/** One operator application. */
export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
  name?: string;
  /** Operator set domain; empty (the default) is the standard `ai.onnx` set. */
  domain?: string;
}

/** A computation graph: nodes in topological order, its inputs, outputs and constants. */
export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers?: readonly OnnxTensor[];
}

/** Options of {@link encodeModel}. */
export interface EncodeModelOptions {
  /** Version of the default (`ai.onnx`) operator set; 18 by default. */
  opset?: number;
  /** IR version; 8 by default (the one that goes with opset 18). */
  irVersion?: number;
  producerName?: string;
}

/** Attribute-helper constructors, so call sites read `attr.int('axis', 1)`. */
export const attr = {
  int: (name: string, value: number): OnnxAttribute => ({ name, type: 'int', value }),
  float: (name: string, value: number): OnnxAttribute => ({ name, type: 'float', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, type: 'string', value }),
  ints: (name: string, value: readonly number[]): OnnxAttribute => ({ name, type: 'ints', value }),
  floats: (name: string, value: readonly number[]): OnnxAttribute => ({ name, type: 'floats', value }),
  tensor: (name: string, value: OnnxTensor): OnnxAttribute => ({ name, type: 'tensor', value }),
};

// Protobuf wire types.
const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8 = new TextEncoder();

/**
 * A minimal protobuf writer. Scalars go to a small byte list; byte fields (weights can be many MB)
 * are kept as chunks and copied once, in `finish`.
 */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.pending = [];
  }

  private byte(b: number): void {
    this.pending.push(b);
    this.size++;
  }

  private varint(value: number | bigint): void {
    // int64 fields hold negative numbers as their 64-bit two's complement (10 bytes on the wire).
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** An int32, int64 or enum field. */
  int(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.byte(view.getUint8(i));
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.flush();
    this.chunks.push(value);
    this.size += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, utf8.encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  /** A packed repeated varint field (e.g. `repeated int64 ints`). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytesField(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: readonly number[]): this {
    const view = new DataView(new ArrayBuffer(values.length * 4));
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytesField(field, new Uint8Array(view.buffer));
  }

  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

const ATTRIBUTE_TYPE_CODE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

/** Raw little-endian bytes of a tensor's data, independent of the platform's byte order. */
function rawData(t: OnnxTensor): Uint8Array {
  const n = t.data.length;
  const size = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 }[t.type];
  const view = new DataView(new ArrayBuffer(n * size));
  for (let i = 0; i < n; i++) {
    const v = t.data[i];
    switch (t.type) {
      case 'float32':
        view.setFloat32(i * 4, Number(v), true);
        break;
      case 'float64':
        view.setFloat64(i * 8, Number(v), true);
        break;
      case 'int32':
        view.setInt32(i * 4, Number(v), true);
        break;
      case 'int64':
        view.setBigInt64(i * 8, BigInt(v), true);
        break;
      case 'bool':
        view.setUint8(i, v ? 1 : 0);
        break;
    }
  }
  return new Uint8Array(view.buffer);
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  const expected = t.dims.reduce((p, d) => p * d, 1);
  if (expected !== t.data.length) {
    throw new ShapeError(
      `ONNX tensor "${t.name ?? ''}" has ${t.data.length} values but dims [${t.dims.join(', ')}] need ${expected}`,
    );
  }
  for (const d of t.dims) w.int(1, d); // dims
  w.int(2, DATA_TYPE_CODE[t.type]); // data_type
  if (t.name !== undefined) w.string(8, t.name); // name
  w.bytesField(9, rawData(t)); // raw_data
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name); // ValueInfoProto.name
  w.message(2, (type) =>
    // TypeProto.tensor_type
    type.message(1, (tensor) => {
      tensor.int(1, DATA_TYPE_CODE[v.type]); // TypeProto.Tensor.elem_type
      if (v.shape !== undefined) {
        const dims = v.shape;
        tensor.message(2, (shape) => {
          // TensorShapeProto.dim: Dimension { dim_value = 1 | dim_param = 2 }
          for (const d of dims) {
            shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
          }
        });
      }
    }),
  );
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name); // name
  w.int(20, ATTRIBUTE_TYPE_CODE[a.type]); // type
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'tensor':
      w.message(5, (t) => writeTensor(t, a.value));
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name !== undefined) w.string(3, node.name);
  w.string(4, node.op);
  for (const a of node.attributes ?? []) w.message(5, (m) => writeAttribute(m, a));
  if (node.domain) w.string(7, node.domain);
}

/**
 * Encodes a graph as the bytes of an ONNX model, ready for `InferenceSession.create(bytes)`.
 *
 * @example
 * ```ts
 * const bytes = encodeModel({
 *   name: 'matmul',
 *   nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
 *   inputs: [{ name: 'a', type: 'float32', shape: ['m', 'k'] }, { name: 'b', type: 'float32', shape: ['k', 'n'] }],
 *   outputs: [{ name: 'c', type: 'float32', shape: ['m', 'n'] }],
 * });
 * ```
 */
export function encodeModel(graph: OnnxGraph, options: EncodeModelOptions = {}): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, options.irVersion ?? 8); // ModelProto.ir_version
  w.string(2, options.producerName ?? 'tessera'); // producer_name
  w.message(7, (g) => {
    // ModelProto.graph
    for (const node of graph.nodes) g.message(1, (n) => writeNode(n, node)); // GraphProto.node
    g.string(2, graph.name); // GraphProto.name
    for (const t of graph.initializers ?? []) g.message(5, (m) => writeTensor(m, t)); // initializer
    for (const v of graph.inputs) g.message(11, (m) => writeValueInfo(m, v)); // input
    for (const v of graph.outputs) g.message(12, (m) => writeValueInfo(m, v)); // output
  });
  // ModelProto.opset_import: OperatorSetIdProto { domain = 1, version = 2 }; empty domain = ai.onnx.
  w.message(8, (o) => o.string(1, '').int(2, options.opset ?? 18));
  return w.finish();
}
