import type { DatasetView } from "../../db/datasets";
import type { ImageRow } from "../../db/images";

/** A list's preview labels per image: enough to draw, capped so a page of crowded images stays small. */
export const PREVIEW_LABELS = 100;

/** One image in a list or selection: the contract's dataset image. */
export function toListImage(
  image: ImageRow,
  urls: { thumbnailUrl?: string; imageUrl?: string },
  includeLabels: boolean,
) {
  const truncated = includeLabels && image.labels.length > PREVIEW_LABELS;
  return {
    id: image.id,
    hash: image.hash,
    ext: image.ext,
    ...(urls.thumbnailUrl ? { thumbnailUrl: urls.thumbnailUrl } : {}),
    ...(urls.imageUrl ? { imageUrl: urls.imageUrl } : {}),
    width: image.width,
    height: image.height,
    split: image.split,
    labelCount: image.labelCount,
    name: image.filename,
    bytes: image.bytes,
    error: image.error,
    ...(includeLabels ? { labels: image.labels.slice(0, PREVIEW_LABELS) } : {}),
    ...(truncated ? { labelsTruncated: true as const } : {}),
  };
}

/** One image with its labels and its dataset's class names: the contract's Image. */
export function toImage(image: ImageRow, view: DatasetView, retainedByVersion: boolean) {
  return {
    metadata: image.metadata,
    properties: {
      id: image.id,
      datasetId: image.datasetId,
      filename: image.filename,
      hash: image.hash,
      extension: image.ext,
      ...(image.originalPath ? { originalPath: image.originalPath } : {}),
      width: image.width,
      height: image.height,
      split: image.split,
      annotationCount: image.labelCount,
      classIds: image.classIds,
      bytes: image.bytes,
      region: view.region,
      retainedByVersion,
      createdAt: image.createdAt.toISOString(),
      updatedAt: image.updatedAt.toISOString(),
      error: image.error,
    },
    labels: image.labels,
    classNames: view.dataset.classNames,
  };
}
