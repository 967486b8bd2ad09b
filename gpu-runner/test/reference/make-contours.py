"""Writes gpu-runner/test/contours.json: masks and what cv2.findContours(RETR_EXTERNAL, CHAIN_APPROX_SIMPLE)
answers for them. Run with any Python that has numpy and opencv-python (4.14 made the committed file)."""
import json, sys
import cv2
import numpy as np

rng = np.random.default_rng(7)
cases = []

def add(mask):
    mask = np.ascontiguousarray(mask.astype(np.uint8))
    contours = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    cases.append({
        "width": int(mask.shape[1]), "height": int(mask.shape[0]),
        "rows": ["".join("1" if v else "0" for v in row) for row in mask],
        "contours": [c.reshape(-1).astype(int).tolist() for c in contours],
    })

# Hand-made: a lone pixel, a line, a ring with a component in its hole, diagonal neighbours, edges.
add(np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]))
add(np.array([[1, 1, 1, 1]]))
ring = np.zeros((9, 9)); ring[1:8, 1:8] = 1; ring[3:6, 3:6] = 0; ring[4, 4] = 1
add(ring)
add(np.eye(6))
add(np.ones((5, 7)))
thin = np.zeros((7, 7)); thin[1:6, 1] = 1; thin[1:6, 5] = 1; thin[1, 1:6] = 1; thin[5, 1:6] = 1; thin[3, 3] = 1
add(thin)
# Random blobs: smoothed noise, thresholded, at several densities.
for size, density in [((12, 16), 0.5), ((20, 24), 0.45), ((24, 20), 0.55), ((30, 30), 0.5), ((16, 40), 0.4), ((40, 16), 0.6)]:
    for _ in range(4):
        noise = rng.random(size)
        smooth = cv2.GaussianBlur(noise, (5, 5), 0) if min(size) >= 5 else noise
        add(smooth > np.quantile(smooth, 1 - density))
for _ in range(6):
    add(rng.random((10, 12)) > 0.5)

json.dump({"opencv": cv2.__version__, "cases": cases}, open(sys.argv[1], "w"), separators=(",", ":"))
print(len(cases), "cases")
