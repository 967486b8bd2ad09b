/**
 * Ultralytics' pose keypoints, from the extra rows of each kept box: kpt_shape [k, 2 | 3] values
 * (x, y and, with 3, a visibility already through a sigmoid in the export). Mapped back like
 * ops.scale_coords (the unrounded letterbox pad, then / gain, clipped to the picture), and, as
 * ultralytics' Keypoints does, points with visibility < 0.5 are put at (0, 0).
 */
import { pictureCoordinates, type LetterboxGeometry } from "./letterbox";

export interface Keypoints {
  x: number[];
  y: number[];
  /** Present for 3-value keypoints. */
  visible?: number[];
}

export function scaleKeypoints(
  values: Float32Array,
  kptShape: [number, number],
  geometry: LetterboxGeometry,
  width: number,
  height: number,
): Keypoints {
  const [count, dims] = kptShape;
  const toPicture = pictureCoordinates(geometry, width, height);
  const keypoints: Keypoints = { x: [], y: [], ...(dims === 3 ? { visible: [] } : {}) };
  for (let k = 0; k < count; k++) {
    let x = toPicture.x(values[k * dims]!);
    let y = toPicture.y(values[k * dims + 1]!);
    if (dims === 3) {
      const visible = values[k * dims + 2]!;
      if (visible < 0.5) x = y = 0;
      keypoints.visible!.push(visible);
    }
    keypoints.x.push(x);
    keypoints.y.push(y);
  }
  return keypoints;
}

/** `kpt_shape` from the model's metadata, a Python list literal: "[17, 3]". */
export function parseKptShape(literal: string | undefined): [number, number] | undefined {
  const numbers = literal?.match(/\d+/g)?.map(Number);
  return numbers?.length === 2 && (numbers[1] === 2 || numbers[1] === 3) && numbers[0]! > 0
    ? [numbers[0]!, numbers[1]!]
    : undefined;
}
