"""Writes gpu-runner/test/segment.json: random prototypes, mask coefficients and boxes, and the
masks and polygons Ultralytics' segment post-processing makes of them. torch (F.interpolate) and
OpenCV (findContours) are the real libraries; process_mask, crop_mask, masks2segments,
merge_multi_segment and scale_coords are transcribed from ultralytics 8.4 (ops.py, converter.py),
which is not installed here. Run with numpy, torch and opencv-python (torch 2.13, OpenCV 4.14
made the committed file)."""
import json, sys
import cv2
import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(11)
SIZE, NM, MH, MW = 64, 4, 16, 16


def crop_mask(masks, boxes):
    n, h, w = masks.shape
    if n < 50 and not masks.is_cuda:
        for i, (x1, y1, x2, y2) in enumerate(boxes.round().int()):
            masks[i, :y1] = 0
            masks[i, y2:] = 0
            masks[i, :, :x1] = 0
            masks[i, :, x2:] = 0
        return masks
    x1, y1, x2, y2 = torch.chunk(boxes[:, :, None], 4, 1)
    r = torch.arange(w, device=masks.device, dtype=x1.dtype)[None, None, :]
    c = torch.arange(h, device=masks.device, dtype=x1.dtype)[None, :, None]
    return masks * ((r >= x1) * (r < x2) * (c >= y1) * (c < y2))


def process_mask(protos, masks_in, bboxes, shape):
    c, mh, mw = protos.shape
    masks = (masks_in @ protos.float().view(c, -1)).view(-1, mh, mw)
    ratios = torch.tensor([[mw / shape[1], mh / shape[0], mw / shape[1], mh / shape[0]]])
    masks = crop_mask(masks, boxes=bboxes * ratios)
    masks = F.interpolate(masks[None], shape, mode="bilinear")[0]
    return masks.gt_(0.0)


def min_index(arr1, arr2):
    dis = ((arr1[:, None, :] - arr2[None, :, :]) ** 2).sum(-1)
    return np.unravel_index(np.argmin(dis, axis=None), dis.shape)


def merge_multi_segment(segments):
    s = []
    segments = [np.array(i).reshape(-1, 2) for i in segments]
    idx_list = [[] for _ in range(len(segments))]
    for i in range(1, len(segments)):
        idx1, idx2 = min_index(segments[i - 1], segments[i])
        idx_list[i - 1].append(idx1)
        idx_list[i].append(idx2)
    for k in range(2):
        if k == 0:
            for i, idx in enumerate(idx_list):
                if len(idx) == 2 and idx[0] > idx[1]:
                    idx = idx[::-1]
                    segments[i] = segments[i][::-1, :]
                segments[i] = np.roll(segments[i], -idx[0], axis=0)
                segments[i] = np.concatenate([segments[i], segments[i][:1]])
                if i in {0, len(idx_list) - 1}:
                    s.append(segments[i])
                else:
                    idx = [0, idx[1] - idx[0]]
                    s.append(segments[i][idx[0] : idx[1] + 1])
        else:
            for i in range(len(idx_list) - 1, -1, -1):
                if i not in {0, len(idx_list) - 1}:
                    idx = idx_list[i]
                    nidx = abs(idx[1] - idx[0])
                    s.append(segments[i][nidx:])
    return s


def masks2segments(masks):
    segments = []
    for x in masks.byte().cpu().numpy():
        c = cv2.findContours(np.ascontiguousarray(x), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
        if c:
            c = np.concatenate(merge_multi_segment([x.reshape(-1, 2) for x in c])) if len(c) > 1 else c[0].reshape(-1, 2)
        else:
            c = np.zeros((0, 2))
        segments.append(c.astype("float32"))
    return segments


def scale_coords(img1_shape, coords, img0_shape):
    gain = min(img1_shape[0] / img0_shape[0], img1_shape[1] / img0_shape[1])
    pad = (img1_shape[1] - img0_shape[1] * gain) / 2, (img1_shape[0] - img0_shape[0] * gain) / 2
    coords[..., 0] -= pad[0]
    coords[..., 1] -= pad[1]
    coords[..., 0] /= gain
    coords[..., 1] /= gain
    coords[..., 0] = coords[..., 0].clip(0, img0_shape[1])
    coords[..., 1] = coords[..., 1].clip(0, img0_shape[0])
    return coords


cases = []
for n, original in [(3, (48, 64)), (8, (64, 40)), (12, (30, 80)), (55, (64, 64))]:
    # Prototypes with structure (smooth blobs), so masks have several components and holes.
    protos = np.stack([cv2.GaussianBlur(rng.standard_normal((MH, MW)).astype(np.float32), (5, 5), 0) for _ in range(NM)]) * 4
    coefficients = rng.standard_normal((n, NM)).astype(np.float32)
    centres = rng.uniform(-4, SIZE + 4, (n, 2))
    sizes = rng.uniform(6, 48, (n, 2))
    boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], 1).astype(np.float32)
    masks = process_mask(torch.from_numpy(protos), torch.from_numpy(coefficients), torch.from_numpy(boxes), (SIZE, SIZE))
    keep = masks.amax((-2, -1)) > 0
    polygons = [scale_coords((SIZE, SIZE), p, original) for p in masks2segments(masks[keep])]
    cases.append({
        "size": SIZE, "original": list(original),
        "prototypes": {"count": NM, "height": MH, "width": MW, "data": protos.reshape(-1).tolist()},
        "boxes": boxes.tolist(), "coefficients": coefficients.tolist(),
        "keep": keep.tolist(),
        "masks": [np.packbits(m.numpy().astype(np.uint8).reshape(-1)).tobytes().hex() for m in masks[keep]],
        "segments": [{"x": p[:, 0].tolist(), "y": p[:, 1].tolist()} for p in polygons],
    })

json.dump({"torch": torch.__version__, "opencv": cv2.__version__, "cases": cases}, open(sys.argv[1], "w"), separators=(",", ":"))
print([(len(c["boxes"]), sum(c["keep"]), sum(len(s["x"]) for s in c["segments"])) for c in cases])
