// TEST DOUBLE of `yolo train` with the ultralytics package's Platform callbacks (CLIENTS.md §3):
// what EdgeHub sees of a real run, on the wire, without Python or torch. It reads
// ULTRALYTICS_PLATFORM_URL and ULTRALYTICS_API_KEY, resolves a ul:// dataset through the HEAD
// route and downloads its NDJSON, posts training_started, console_output, epoch_end (stopping
// when the answer says cancelled), uploads last.pt and best.pt through signed PUTs, and ends with
// training_complete. YOLO_DOUBLE_EPOCH_MS paces the epochs (default 50); YOLO_DOUBLE_CRASH_AT
// makes the process die at that epoch, as a CUDA error would. `train resume model=last.pt`
// continues from the epoch the checkpoint holds.
import fs from "node:fs";

const say = (line) => process.stdout.write(`${line}\n`);
const base = `${process.env.ULTRALYTICS_PLATFORM_URL ?? ""}`.replace(/\/$/, "");
let key = process.env.ULTRALYTICS_API_KEY ?? "";
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function webhook(path, body, tries = 1) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${base}/api/webhooks${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).catch(() => undefined);
    if (response?.ok) return response.json();
    if (response && response.status < 500 && ![408, 429].includes(response.status)) {
      if (response.status === 401) key = ""; // as newer packages do: no key for the rest of the process
      say(`WARNING ⚠️ Platform ${body.event ?? path}: ${response.status} ${(await response.json()).error}`);
      return undefined;
    }
    if (attempt >= tries) return undefined;
    await pause(200 * attempt);
  }
}

async function resolveDataset(uri) {
  const [, user, slug] = /^ul:\/\/([^/]+)\/datasets\/([^/]+)$/.exec(uri) ?? [];
  if (!user) return { names: ["item"], images: 0 };
  const head = await fetch(`${base}/api/webhooks/datasets/${user}/${slug}/export`, {
    method: "HEAD",
    headers: { Authorization: `Bearer ${key}` },
    redirect: "manual",
  });
  if (head.status < 300 || head.status >= 400) throw new Error(`Dataset ${uri} not found (${head.status})`);
  const text = await (await fetch(head.headers.get("location"))).text();
  const [header, ...images] = text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  return { names: Object.values(header.class_names ?? {}), images: images.length };
}

async function putCheckpoint(modelId, runId, filename, bytes) {
  const signed = await webhook("/models/upload", { filename, modelId, runId }, 3);
  if (!signed) return;
  const put = await fetch(signed.uploadUrl, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: bytes,
  });
  if (!put.ok) say(`WARNING ⚠️ checkpoint upload ${put.status}`);
  else
    await webhook("/training/metrics", {
      event: "checkpoint_saved",
      modelId,
      data: { modelPath: filename, runId, uploadPath: signed.uploadPath },
    });
}

export async function train(args) {
  const resumed = "resume" in args ? JSON.parse(fs.readFileSync(args.model, "utf8")) : undefined;
  const run = resumed?.args ?? args;
  const firstEpoch = resumed ? resumed.epoch + 1 : 1;
  const epochs = Number(run.epochs ?? 3);
  say("Ultralytics 8.4.14 🚀 Python-3.11.7 torch-2.14.1 CPU");
  const dataset = await resolveDataset(run.data ?? "");
  say(`train: Scanning ${dataset.images} images`);
  const trainArgs = Object.fromEntries(Object.entries(run).map(([k, v]) => [k, String(v)]));
  const environment = { python: "3.11.7", ultralytics: "8.4.14", os: "Linux" };
  const start = await webhook(
    "/training/metrics",
    {
      event: "training_started",
      project: run.project,
      name: run.name,
      data: { trainArgs, epochs, device: run.device, environment },
    },
    4,
  );
  if (!start?.modelId) say("WARNING ⚠️ Platform: run not tracked");
  const modelId = start?.modelId;
  const crashAt = Number(process.env.YOLO_DOUBLE_CRASH_AT ?? 0);
  let best = 0;
  for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
    await pause(Number(process.env.YOLO_DOUBLE_EPOCH_MS ?? 50));
    if (epoch === crashAt) {
      process.stderr.write(
        "Traceback (most recent call last):\nRuntimeError: CUDA error: an illegal memory access was encountered\n",
      );
      process.exit(1);
    }
    const map = Math.min(0.95, 0.2 + epoch * 0.1);
    best = Math.max(best, map);
    const content = `      ${epoch}/${epochs}      0.8G      ${(1.5 - epoch * 0.1).toFixed(3)}      ${map.toFixed(3)}`;
    say(content);
    if (modelId) {
      await webhook("/training/metrics", {
        event: "console_output",
        modelId,
        data: { chunkId: `${start.runId}-${epoch}`, content, lineCount: 1 },
      });
      const answer = await webhook("/training/metrics", {
        event: "epoch_end",
        modelId,
        data: {
          epoch,
          metrics: {
            "train/box_loss": 1.5 - epoch * 0.1,
            "val/box_loss": 1.4 - epoch * 0.1,
            "metrics/mAP50(B)": map,
            "lr/pg0": 0.01,
          },
          system: { cpu_percent: 55, ram_gb: 1.2 },
          fitness: map,
          best_fitness: best,
          ...(epoch === 1 ? { modelInfo: { parameters: 2590000, gflops: 6.4, speedMs: 12 } } : {}),
        },
      });
      if (answer?.cancelled) {
        say("Training cancelled from the Platform");
        return 0;
      }
      await putCheckpoint(modelId, start.runId, "last.pt", JSON.stringify({ args: run, epoch }));
    }
  }
  if (modelId) {
    await putCheckpoint(modelId, start.runId, "best.pt", JSON.stringify({ args: run, best }));
    await webhook(
      "/training/metrics",
      {
        event: "training_complete",
        modelId,
        data: {
          results: { metrics: { "metrics/mAP50(B)": best }, bestEpoch: epochs, bestFitness: best },
          classNames: dataset.names,
          plots: [],
          runId: start.runId,
        },
      },
      4,
    );
  }
  say(`${epochs} epochs completed.`);
  return 0;
}
