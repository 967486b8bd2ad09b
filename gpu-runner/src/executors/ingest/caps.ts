import { IMAGE_MAX_BYTES } from "../../../../src/protocol/ingest";

/**
 * What one archive may cost the ingest reader. Over `entries` or `totalBytes` the archive is
 * refused whole; one picture over `imageBytes` (or a label file over `labelBytes`) is skipped
 * and reported, and the rest goes on.
 */
export const INGEST_CAPS = {
  /** A sourceUrl's archive, as fetched. */
  sourceBytes: 20 * 1024 ** 3,
  entries: 1_000_000,
  totalBytes: 64 * 1024 ** 3,
  imageBytes: IMAGE_MAX_BYTES,
  labelBytes: 4 * 1024 * 1024,
  /** All label files and data.yaml together (they are kept in memory to pair with their images). */
  allLabelBytes: 512 * 1024 * 1024,
  yamlBytes: 1024 * 1024,
};
export type IngestCaps = typeof INGEST_CAPS;
