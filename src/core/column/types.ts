/** Element types of scalar columns. `date` is days since the epoch, `timestamp` milliseconds (UTC). */
export type ScalarDType =
  | 'float64'
  | 'float32'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'bool'
  | 'string'
  | 'date'
  | 'timestamp';

/** Element types of tensor columns. int64 elements are bigints (a BigInt64Array), exact beyond 2^53. */
export type TensorDType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';

export type TensorArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** Media kinds that lazy media columns load (see src/node/media). */
export type MediaKind = 'image' | 'audio' | 'video' | 'volume' | 'graph';

/** The type of a column: its kind and, where it has them, element type and per-row shape. */
export type ColumnType =
  | { readonly kind: 'scalar'; readonly dtype: ScalarDType }
  | { readonly kind: 'tensor'; readonly dtype: TensorDType; readonly shape: readonly number[] }
  | { readonly kind: 'object' }
  | { readonly kind: 'deferred'; readonly media?: MediaKind };

export type ColumnKind = ColumnType['kind'];

/** Every scalar dtype, for validating input (e.g. a type hint or a manifest). */
export const SCALAR_DTYPES: readonly ScalarDType[] = [
  'float64',
  'float32',
  'int32',
  'int64',
  'uint8',
  'bool',
  'string',
  'date',
  'timestamp',
];
export const TENSOR_DTYPES: readonly TensorDType[] = ['float32', 'float64', 'int32', 'int64', 'uint8'];
export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'audio', 'video', 'volume', 'graph'];

export const TENSOR_ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
} as const;

/** A short human-readable type, e.g. `float64`, `tensor<float32>[512]`, `object`. */
export function formatType(type: ColumnType): string {
  switch (type.kind) {
    case 'scalar':
      return type.dtype;
    case 'tensor':
      return `tensor<${type.dtype}>[${type.shape.join('×')}]`;
    case 'object':
      return 'object';
    case 'deferred':
      return type.media ? `deferred<${type.media}>` : 'deferred';
  }
}
