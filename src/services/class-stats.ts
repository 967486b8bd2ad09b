/**
 * A dataset's class and picture statistics (the Charts tab): exact per-class label and image
 * counts, and histograms and heatmaps over its images, from a sample when the dataset is large
 * (`sampleSize`). Kept in R2 for 5 minutes, and rebuilt sooner when the dataset changed.
 */
import type { Actor } from "../auth/actor";
import type { Deps } from "../context";
import type { DatasetRef } from "../db/datasets";
import { classCounts, statsSample, type StatsImage } from "../db/images";
import { classStatsKey } from "../storage/keys";
import { getDataset } from "./datasets";

/** Above this many images, histograms come from this many of them (ids are random, so any prefix is a fair sample). */
export const STATS_SAMPLE = 20_000;
const CACHE_MS = 5 * 60 * 1000;
const GRID = 10;

type Bin = { bin: number; count: number; size: number };

function histogram(values: number[], size: number, cap = Infinity): Bin[] {
  const counts = new Map<number, number>();
  for (const value of values) {
    const bin = Math.min(Math.floor(value / size) * size, cap);
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([bin, count]) => ({ bin, count, size }));
}

function grid(points: [number, number][], toCell: (p: [number, number]) => [number, number]) {
  const bins = Array.from({ length: GRID }, () => new Array<number>(GRID).fill(0));
  for (const point of points) {
    const [row, col] = toCell(point);
    bins[row]![col]!++;
  }
  return { bins, maxCount: range(bins.flat())[1] };
}

/** The smallest and largest value (0 and 0 for none), without spreading thousands of arguments. */
function range(values: number[]): [number, number] {
  if (!values.length) return [0, 0];
  return values.reduce<[number, number]>(
    ([min, max], v) => [Math.min(min, v), Math.max(max, v)],
    [values[0]!, values[0]!],
  );
}

const cell = (fraction: number) => Math.min(GRID - 1, Math.max(0, Math.floor(fraction * GRID)));

/** The numbers themselves, from a sample of images and the exact class counts. */
export function computeStats(images: StatsImage[], classes: { classId: number; count: number; imageCount: number }[]) {
  const measured = images.filter((image) => image.width > 0 && image.height > 0);
  const boxes = images.flatMap((image) => image.labels.filter((l) => l.bbox).map((l) => ({ image, box: l.bbox! })));
  const points = images.flatMap((image) =>
    image.labels.map((l) =>
      l.segments ? l.segments.length / 2 : l.keypoints ? l.keypoints.length : l.obb ? 4 : l.bbox ? 4 : 0,
    ),
  );
  const formats: Record<string, number> = {};
  for (const image of images) formats[image.ext] = (formats[image.ext] ?? 0) + 1;
  const widths = measured.map((image) => image.width);
  const heights = measured.map((image) => image.height);
  const [minWidth, maxWidth] = range(widths);
  const [minHeight, maxHeight] = range(heights);
  const span = (value: number, min: number, max: number) => (max > min ? (value - min) / (max - min) : 0);
  return {
    classes,
    imageStats: {
      widthHistogram: histogram(widths, 64),
      heightHistogram: histogram(heights, 64),
      pointsHistogram: histogram(points, 1, 100),
      formatDistribution: formats,
      fileSizeHistogram: histogram(
        images.map((image) => image.bytes),
        100 * 1024,
      ),
      objectsPerImageHistogram: histogram(
        images.map((image) => image.labelCount),
        1,
        50,
      ),
      bboxWidthHistogram: histogram(
        boxes.map(({ image, box }) => box[2] * image.width),
        16,
      ),
      bboxHeightHistogram: histogram(
        boxes.map(({ image, box }) => box[3] * image.height),
        16,
      ),
      bboxWidthNormHistogram: histogram(
        boxes.map(({ box }) => box[2]),
        0.05,
        0.95,
      ),
      bboxHeightNormHistogram: histogram(
        boxes.map(({ box }) => box[3]),
        0.05,
        0.95,
      ),
    },
    locationHeatmap: grid(
      boxes.map(({ box }) => [box[0], box[1]]),
      ([x, y]) => [cell(y), cell(x)],
    ),
    dimensionHeatmap: {
      ...grid(
        measured.map((image) => [image.width, image.height]),
        ([w, h]) => [cell(span(h, minHeight, maxHeight)), cell(span(w, minWidth, maxWidth))],
      ),
      minWidth,
      maxWidth,
      minHeight,
      maxHeight,
    },
  };
}

export type ClassStats = ReturnType<typeof computeStats> & { classNames: string[]; sampleSize: number | null };

/** The statistics of a readable dataset: `cached` when they come from the last 5 minutes and the dataset has not changed. */
export async function classStats(deps: Deps, actor: Actor, ref: DatasetRef) {
  const { dataset } = await getDataset(deps, actor, ref);
  const key = classStatsKey(dataset.id);
  const stamp = dataset.updatedAt.toISOString();
  const stored = await deps.bucket.get(key);
  if (stored) {
    const { computedAt, datasetUpdatedAt } = stored.customMetadata ?? {};
    if (datasetUpdatedAt === stamp && deps.now().getTime() - Number(computedAt) < CACHE_MS)
      return { stats: (await stored.json()) as ClassStats, cached: true };
    await stored.body.cancel();
  }
  const [sample, classes] = await Promise.all([
    statsSample(deps.db, dataset.id, STATS_SAMPLE),
    classCounts(deps.db, dataset.id),
  ]);
  const stats: ClassStats = {
    ...computeStats(sample, classes),
    classNames: dataset.classNames,
    sampleSize: dataset.imageCount > STATS_SAMPLE ? sample.length : null,
  };
  await deps.bucket.put(key, JSON.stringify(stats), {
    httpMetadata: { contentType: "application/json" },
    customMetadata: { computedAt: String(deps.now().getTime()), datasetUpdatedAt: stamp },
  });
  return { stats, cached: false };
}
