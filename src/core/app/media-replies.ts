/**
 * The replies of the app server's media routes that are JSON or a described binary: one definition
 * for the server that sends them and the page that reads them (the UI imports these types).
 */

/** The JSON of GET /api/graph/:column/:row. */
export interface GraphReply {
  type: 'directed' | 'undirected' | 'mixed';
  /** True when every edge is directed. */
  directed: boolean;
  multi: boolean;
  nodes: { id: string; label?: string }[];
  edges: { source: string; target: string; directed?: boolean }[];
  totalNodes: number;
  totalEdges: number;
  truncated: boolean;
}

/** The JSON of GET /api/volume/:column/:row. */
export interface VolumeInfoReply {
  /** Sizes of the canonical axes [x, y, z] (RAS+): the slice counts along axes 0, 1 and 2. */
  shape: number[];
  /** Voxel sizes along those axes (the header's units, usually mm). */
  voxelSizes: number[];
  /** The header's own sizes, in stored order (4-D volumes show their first volume). */
  dims: number[];
  /** Nearest world direction of each stored axis, e.g. "LPS". */
  axcodes: string;
  dtype: string;
  min: number;
  max: number;
  window: { low: number; high: number; method: string };
  axes: readonly string[];
}

/**
 * A waveform (GET /api/waveform/:column/:row sends `peaks` as the body, the rest as headers): the
 * decoded samples of one cell reduced to a minimum and maximum per bucket and channel.
 */
export interface Waveform {
  sampleRate: number;
  channels: number;
  /** Samples per channel of the decoded audio. */
  frames: number;
  duration: number;
  /** Buckets per channel: the buckets asked for, at most one per sample (0 for empty audio). */
  buckets: number;
  /**
   * channels × buckets × 2: for channel c and bucket b, `peaks[2 * (c * buckets + b)]` is the
   * minimum and the next element the maximum of samples [⌊b·frames/buckets⌋, ⌊(b+1)·frames/buckets⌋).
   */
  peaks: Float32Array;
}
