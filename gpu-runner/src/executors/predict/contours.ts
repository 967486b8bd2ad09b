/**
 * cv2.findContours(mask, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE), reproduced point for point: the
 * border following of Suzuki & Abe as OpenCV's contours.cpp implements it (icvFetchContour and
 * the raster scan of cvFindNextContour), on a copy of the mask framed by one pixel of zeros, as
 * cv::findContours frames it. Ultralytics' masks2segments turns segment masks into polygons
 * with it. Checked against OpenCV 4.14 (gpu-runner/test/contours.json).
 */

/** Chain codes 0..7: right, up-right, up, up-left, left, down-left, down, down-right (y grows down). */
const CODE_X = [1, 1, 0, -1, -1, -1, 0, 1];
const CODE_Y = [0, -1, -1, -1, 0, 1, 1, 1];

/** A contour as [x0, y0, x1, y1, ...] in mask pixels. */
export type Contour = Int32Array;

/**
 * The outer borders of the mask's top-level components (not those inside a hole), each as
 * the corner points of its chain, in OpenCV's order. `mask` is row-major, non-zero = inside.
 */
export function findExternalContours(mask: Uint8Array, width: number, height: number): Contour[] {
  const stride = width + 2;
  // Labels: 0 outside, 1 inside and not yet on a border, +n on border n, -n where the pixel
  // to its right is outside (OpenCV's nbd | -128).
  const image = new Int32Array(stride * (height + 2));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (mask[y * width + x]) image[(y + 1) * stride + x + 1] = 1;
  }
  // Index offsets of the 8 neighbours, twice over so a search may run past code 7.
  const deltas = new Int32Array(16);
  for (let s = 0; s < 16; s++) deltas[s] = CODE_X[s & 7]! + CODE_Y[s & 7]! * stride;

  const found: Contour[] = [];
  let nbd = 1;
  for (let y = 1; y <= height; y++) {
    let previous = 0;
    let lastBorder = y * stride; // the frame column: outside
    for (let x = 1; x <= width; x++) {
      const index = y * stride + x;
      const value = image[index]!;
      if (value !== previous) {
        // An outer border starts where 0 -> 1. A hole would start where a labelled pixel
        // meets 0, but RETR_EXTERNAL traces no holes; nor a component inside another's hole,
        // which is told by the last border crossed on this row being an inside (positive) label.
        if (previous === 0 && value === 1 && image[lastBorder]! <= 0) {
          nbd++;
          found.push(followBorder(image, deltas, index, nbd, x - 1, y - 1));
        }
        previous = image[index]!;
        if (previous !== 0 && previous !== 1) lastBorder = index;
      }
    }
  }
  // cv::findContours lists the top-level contours last found first.
  return found.reverse();
}

/** icvFetchContour for an outer border, with CHAIN_APPROX_SIMPLE: the points where the chain turns. */
function followBorder(
  image: Int32Array,
  deltas: Int32Array,
  start: number,
  nbd: number,
  startX: number,
  startY: number,
): Contour {
  const points: number[] = [];
  let s = 4;
  const searchEnd = s;
  let i1 = start;
  do {
    s = (s - 1) & 7;
    i1 = start + deltas[s]!;
  } while (image[i1] === 0 && s !== searchEnd);

  if (s === searchEnd) {
    // A lone pixel.
    image[start] = -nbd;
    return Int32Array.of(startX, startY);
  }

  let x = startX;
  let y = startY;
  let i3 = start;
  let previousCode = s ^ 4;
  for (;;) {
    const end = s;
    let i4: number;
    for (;;) {
      i4 = i3 + deltas[++s]!;
      if (image[i4] !== 0) break;
    }
    s &= 7;
    // The search went past code 0, so the pixel to the right is outside: a right border.
    if (s - 1 >= 0 && s - 1 < end) image[i3] = -nbd;
    else if (image[i3] === 1) image[i3] = nbd;
    if (s !== previousCode) {
      points.push(x, y);
      previousCode = s;
    }
    x += CODE_X[s]!;
    y += CODE_Y[s]!;
    if (i4 === start && i3 === i1) break;
    i3 = i4;
    s = (s + 4) & 7;
  }
  return Int32Array.from(points);
}
