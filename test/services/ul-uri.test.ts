import { describe, expect, it } from "vitest";
import { datasetUlName, modelUlName, parseUlName } from "../../src/services/ul-uri";

describe("ul:// names", () => {
  it("reads models and datasets, and prints what it reads", () => {
    expect(parseUlName("ul://ada/inspection/yolo26n-run2")).toEqual({
      kind: "model",
      ref: { owner: "ada", project: "inspection", slug: "yolo26n-run2" },
    });
    expect(parseUlName("ul://ada/datasets/coco8")).toEqual({ kind: "dataset", ref: { owner: "ada", slug: "coco8" } });
    expect(parseUlName(modelUlName("ada", "p", "m"))).toMatchObject({ kind: "model" });
    expect(parseUlName(datasetUlName("ada", "d"))).toMatchObject({ kind: "dataset" });
  });

  it("is not fooled by near misses", () => {
    for (const value of [
      "ul://ada/inspection",
      "ul://ada/inspection/m/extra",
      "ul://Ada/p/m",
      "ul://ada/p/-m",
      "ul://ada/p/m-",
      "https://ada/p/m",
      " ul://ada/p/m",
      "ul://ada/p/m\n",
      42,
      null,
    ])
      expect(parseUlName(value)).toBeUndefined();
  });
});
