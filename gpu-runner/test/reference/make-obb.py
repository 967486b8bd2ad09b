"""Writes gpu-runner/test/obb.json: random raw OBB outputs and what Ultralytics' rotated
post-processing makes of them, evaluated by torch in float32. non_max_suppression(rotated=True)
with TorchNMS.fast_nms, batch_probiou, regularize_rboxes, scale_boxes(xywh=True) and
xywhr2xyxyxyxy are transcribed from ultralytics 8.4 (ops.py, metrics.py), which is not
installed here. Run with numpy and torch (torch 2.13 made the committed file)."""
import json, math, sys
import numpy as np
import torch

rng = np.random.default_rng(5)


def _get_covariance_matrix(boxes):
    gbbs = torch.cat((boxes[:, 2:4].pow(2) / 12, boxes[:, 4:]), dim=-1)
    a, b, c = gbbs.split(1, dim=-1)
    cos = c.cos()
    sin = c.sin()
    cos2 = cos.pow(2)
    sin2 = sin.pow(2)
    return a * cos2 + b * sin2, a * sin2 + b * cos2, (a - b) * cos * sin


def batch_probiou(obb1, obb2, eps=1e-7):
    x1, y1 = obb1[..., :2].split(1, dim=-1)
    x2, y2 = (x.squeeze(-1)[None] for x in obb2[..., :2].split(1, dim=-1))
    a1, b1, c1 = _get_covariance_matrix(obb1)
    a2, b2, c2 = (x.squeeze(-1)[None] for x in _get_covariance_matrix(obb2))
    t1 = (((a1 + a2) * (y1 - y2).pow(2) + (b1 + b2) * (x1 - x2).pow(2)) / ((a1 + a2) * (b1 + b2) - (c1 + c2).pow(2) + eps)) * 0.25
    t2 = (((c1 + c2) * (x2 - x1) * (y1 - y2)) / ((a1 + a2) * (b1 + b2) - (c1 + c2).pow(2) + eps)) * 0.5
    t3 = (((a1 + a2) * (b1 + b2) - (c1 + c2).pow(2)) / (4 * ((a1 * b1 - c1.pow(2)).clamp_(0) * (a2 * b2 - c2.pow(2)).clamp_(0)).sqrt() + eps) + eps).log() * 0.5
    bd = (t1 + t2 + t3).clamp(eps, 100.0)
    hd = (1.0 - (-bd).exp() + eps).sqrt()
    return 1 - hd


def fast_nms(boxes, scores, iou_threshold):
    sorted_idx = torch.argsort(scores, descending=True, stable=True)
    boxes = boxes[sorted_idx]
    ious = batch_probiou(boxes, boxes).triu_(diagonal=1)
    pick = torch.nonzero((ious >= iou_threshold).sum(0) <= 0).squeeze_(-1)
    return sorted_idx[pick]


def regularize_rboxes(rboxes):
    x, y, w, h, t = rboxes.unbind(dim=-1)
    swap = t % math.pi >= math.pi / 2
    return torch.stack([x, y, torch.where(swap, h, w), torch.where(swap, w, h), t % (math.pi / 2)], dim=-1)


def xywhr2xyxyxyxy(x):
    ctr = x[..., :2]
    w, h, angle = (x[..., i : i + 1] for i in range(2, 5))
    cos_value, sin_value = torch.cos(angle), torch.sin(angle)
    vec1 = torch.cat([w / 2 * cos_value, w / 2 * sin_value], -1)
    vec2 = torch.cat([-h / 2 * sin_value, h / 2 * cos_value], -1)
    return torch.stack([ctr + vec1 + vec2, ctr + vec1 - vec2, ctr - vec1 - vec2, ctr - vec1 + vec2], -2)


def postprocess(raw, nc, conf, iou, size, original, max_det=300):
    x = torch.from_numpy(raw).T  # [n, 4 + nc + 1]
    scores, classes = x[:, 4 : 4 + nc].max(1)
    keep = scores > conf
    x, scores, classes = x[keep], scores[keep], classes[keep]
    order = scores.argsort(descending=True, stable=True)
    x, scores, classes = x[order], scores[order], classes[order]
    c = classes[:, None].float() * 7680
    boxes = torch.cat((x[:, :2] + c, x[:, 2:4], x[:, -1:]), dim=-1)
    i = fast_nms(boxes, scores, iou)[:max_det]
    pred = torch.cat([x[i, :4], x[i, -1:]], -1)
    rboxes = regularize_rboxes(pred)
    gain = min(size / original[0], size / original[1])
    pad_x = round((size - original[1] * gain) / 2 - 0.1)
    pad_y = round((size - original[0] * gain) / 2 - 0.1)
    rboxes[:, 0] -= pad_x
    rboxes[:, 1] -= pad_y
    rboxes[:, :4] /= gain
    return [{"xywhr": r.tolist(), "corners": xywhr2xyxyxyxy(r).reshape(-1).tolist(), "confidence": float(scores[k]), "classId": int(classes[k])} for r, k in zip(rboxes, i.tolist())]


cases = []
for n, nc, conf, iou, original in [(40, 2, 0.25, 0.7, (480, 640)), (80, 3, 0.1, 0.5, (720, 1280)), (120, 1, 0.05, 0.3, (640, 427)), (60, 4, 0.001, 0.7, (500, 500))]:
    # Clusters of boxes around a few centres, so NMS has work, with angles over several turns.
    centres = rng.uniform(60, 580, (6, 2))
    pick = rng.integers(0, 6, n)
    xy = centres[pick] + rng.normal(0, 6, (n, 2))
    wh = rng.uniform(10, 120, (n, 2))
    angle = rng.uniform(-math.pi, 2 * math.pi, (n, 1))
    scores = rng.uniform(0, 1, (n, nc)) ** 2
    raw = np.concatenate([xy, wh, scores, angle], 1).T.astype(np.float32)
    expected = postprocess(raw, nc, conf, iou, 640, original)
    cases.append({"classCount": nc, "conf": conf, "iou": iou, "original": list(original), "raw": raw.reshape(-1).tolist(), "n": n, "expected": expected})

json.dump({"torch": torch.__version__, "cases": cases}, open(sys.argv[1], "w"), separators=(",", ":"))
print([len(c["expected"]) for c in cases])
