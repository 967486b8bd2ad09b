"""
Ultralytics' predict preprocessing (8.4: LetterBox, then BasePredictor.preprocess), transcribed
and timed on this machine, so `npm run bench` can set the runner's figure beside it in the same
run: Ultralytics itself is not installable here. Needs numpy, opencv-python and torch; the bench
runs it with the python BENCH_PYTHON names. torch runs on one thread, as in the recorded
speed.json. Prints {"<picture>": {"preprocess": <median ms>, "runs": <n>}} for the pictures given.
"""
import json
import statistics
import sys
import time

import cv2
import numpy as np
import torch

torch.set_num_threads(1)


def letterbox(img, size=640):
    """ultralytics.data.augment.LetterBox for predict: centred, grey 114, no stride rounding."""
    shape = img.shape[:2]
    r = min(size / shape[0], size / shape[1])
    new_unpad = round(shape[1] * r), round(shape[0] * r)
    dw, dh = (size - new_unpad[0]) / 2, (size - new_unpad[1]) / 2
    if shape[::-1] != new_unpad:
        img = cv2.resize(img, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    return cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(114, 114, 114))


def preprocess(im0):
    """BasePredictor.preprocess for a list of one BGR picture, on the CPU in float32."""
    im = np.stack([letterbox(im0)])
    im = im[..., ::-1].transpose((0, 3, 1, 2))  # BGR to RGB, BHWC to BCHW
    im = np.ascontiguousarray(im)
    im = torch.from_numpy(im)
    im = im.float()
    im /= 255
    return im


def main(files):
    result = {}
    for name in files:
        picture = cv2.imread(name)
        times = []
        for i in range(35):
            start = time.perf_counter()
            preprocess(picture)
            if i >= 5:
                times.append((time.perf_counter() - start) * 1000)
        result[name] = {"preprocess": statistics.median(times), "runs": len(times)}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
