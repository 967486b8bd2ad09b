import { describe, expect, it } from "vitest";
import { body, call, newTenant } from "../../helpers";
import { ingestPictures, uniqueBytes } from "../../ingest-protocol";

const box = (classId: number, x: number, y: number, w: number, h: number) => ({ classId, bbox: [x, y, w, h] });

describe("class statistics", () => {
  it("counts classes exactly and bins the pictures and boxes of a dataset of known contents", async () => {
    const t = await newTenant("stats");
    const created = await body(
      await call("POST", "/api/datasets", {
        auth: t.key,
        json: { name: "Stats", classNames: ["car", "bus"], visibility: "public" },
      }),
    );
    await ingestPictures(t.key, created.id, [
      {
        name: "a.jpg",
        width: 640,
        height: 480,
        bytes: uniqueBytes(100),
        labels: [box(0, 0.5, 0.5, 0.2, 0.2), box(1, 0.15, 0.15, 0.1, 0.1)],
      },
      { name: "b.png", width: 1280, height: 720, bytes: uniqueBytes(150_000), labels: [box(0, 0.95, 0.95, 0.1, 0.1)] },
      { name: "c.jpg", width: 640, height: 480, bytes: uniqueBytes(200), error: "corrupt image" },
    ]);
    const first = await body(await call("GET", `/api/datasets/${t.username}/${created.dataset}/class-stats`));
    expect(first).toMatchObject({
      classes: [
        { classId: 0, count: 2, imageCount: 2 },
        { classId: 1, count: 1, imageCount: 1 },
      ],
      classNames: ["car", "bus"],
      cached: false,
      sampleSize: null,
    });
    expect(first.sampled).toBeUndefined();
    const stats = first.imageStats;
    expect(stats.formatDistribution).toEqual({ jpg: 2, png: 1 });
    expect(stats.widthHistogram).toEqual([
      { bin: 640, count: 2, size: 64 },
      { bin: 1280, count: 1, size: 64 },
    ]);
    expect(stats.objectsPerImageHistogram).toEqual([
      { bin: 0, count: 1, size: 1 },
      { bin: 1, count: 1, size: 1 },
      { bin: 2, count: 1, size: 1 },
    ]);
    expect(stats.fileSizeHistogram).toEqual([
      { bin: 0, count: 2, size: 102400 },
      { bin: 102400, count: 1, size: 102400 },
    ]);
    expect(stats.bboxWidthHistogram).toEqual([
      { bin: 64, count: 1, size: 16 },
      { bin: 128, count: 2, size: 16 },
    ]);
    expect(stats.pointsHistogram).toEqual([{ bin: 4, count: 3, size: 1 }]);
    const heat = first.locationHeatmap;
    expect([heat.bins[5][5], heat.bins[1][1], heat.bins[9][9], heat.maxCount]).toEqual([1, 1, 1, 1]);
    expect(first.dimensionHeatmap).toMatchObject({
      minWidth: 640,
      maxWidth: 1280,
      minHeight: 480,
      maxHeight: 720,
      maxCount: 2,
    });

    const again = await body(await call("GET", `/api/datasets/${created.id}/class-stats`, { auth: t.key }));
    expect(again).toMatchObject({ cached: true, sampled: false });
    await ingestPictures(t.key, created.id, [{ name: "d.jpg", labels: [box(1, 0.5, 0.5, 0.5, 0.5)] }]);
    const changed = await body(await call("GET", `/api/datasets/${created.id}/class-stats`, { auth: t.key }));
    expect(changed.cached).toBe(false);
    expect(changed.classes[1]).toEqual({ classId: 1, count: 2, imageCount: 2 });
  });
});
