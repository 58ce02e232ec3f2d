/**
 * Size limits of media reads: a dataset from someone else can name a huge file, a device such as
 * /dev/zero, or decode parameters (a 50000×50000 float32 resize) that would exhaust memory on one
 * row. Each limit is checked before reading or allocating.
 */
import type { MediaKind } from '../../core/column/types.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Largest media file read, per kind: generous for real media (a long WAV, a CT volume, a clip). */
export const MAX_MEDIA_FILE_BYTES: Readonly<Record<MediaKind, number>> = {
  image: 512 * MiB,
  audio: 1 * GiB,
  video: 1 * GiB,
  volume: 1 * GiB,
  graph: 512 * MiB,
};

/** Largest byte range a header read (for printouts and metadata) takes. */
export const MAX_HEADER_BYTES = 16 * MiB;

/**
 * Default bound on the elements (width × height × channels, or voxels) of one decoded value, and
 * on one decoded video frame: 2^28, 256 Mi elements (1 GiB as float32).
 */
export const MAX_DECODED_ELEMENTS = 2 ** 28;

/** Bound on the bytes of all frames one video decode returns (2 GiB). */
export const MAX_DECODED_VIDEO_BYTES = 2 * GiB;
