/**
 * What the sandbox costs, and what the inspect caps hold (no dev stack needed):
 *  (a) a no-op CLI job (`/bin/true`) and (b) an ONNX export of the fixture checkpoint, each run
 *      as a plain spawn beside the sandbox's plain and bwrap modes, interleaved; medians, the
 *      time added and the ratio.
 *      The export uses BENCH_YOLO (a real Ultralytics `yolo`) when given, else the yolo double.
 *  (c) the checkpoint inspector on the fixture checkpoint and on the hostile files of
 *      gpu-runner/test/hostile-files.ts: wall time and the parser child's peak RSS (GNU time),
 *      and the runner process's own RSS, which the child keeps flat.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { sandboxFromEnv } from "../gpu-runner/src/config";
import { RESULT_PREFIX } from "../gpu-runner/src/executors/inspect/child";
import {
  bwrapWorks,
  runSandboxed,
  sandboxEnv,
  type SandboxMode,
  type SandboxSettings,
} from "../gpu-runner/src/sandbox";
import { checkpointWith, deepPickle, memoChainPickle, zipBomb } from "../gpu-runner/test/hostile-files";
import { median } from "./lib/load";

const root = path.resolve(import.meta.dirname, "..");
const FIXTURE = path.resolve(root, "../shared/fixtures/yolo/model.pt");
const YOLO = process.env.BENCH_YOLO || path.join(root, "gpu-runner/test/yolo-double/yolo");
const NOOP_RUNS = Number(process.env.BENCH_SANDBOX_RUNS ?? 40);
const EXPORT_RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? (process.env.BENCH_YOLO ? 5 : 20));
type Way = "spawn" | SandboxMode;

/**
 * The child without the sandbox's wrapper (no shell with rlimits, no bwrap), with the same
 * allow-listed environment: what is left between the two is what the sandbox adds. (The runner
 * used to pass its whole environment; here that held NODE_EXTRA_CA_CERTS, which costs a Node
 * child ~45 ms at start, and would flatter the sandbox.)
 */
function plainSpawn(settings: SandboxSettings, command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: sandboxEnv(settings, { command, jobDir: cwd }), stdio: "ignore" });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? -1));
  });
}

async function timeOnce(
  way: Way,
  settings: SandboxSettings,
  command: string,
  args: string[],
  jobDir: string,
): Promise<number> {
  const started = performance.now();
  const code =
    way === "spawn"
      ? await plainSpawn(settings, command, args, jobDir)
      : (await runSandboxed({ ...settings, mode: way }, { command, args, jobDir })).code;
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} (${way}) exited with ${code}`);
  return performance.now() - started;
}

/** Interleaved runs of each way; medians in ms. */
async function compare(
  ways: Way[],
  runs: number,
  settings: SandboxSettings,
  make: (jobDir: string) => { command: string; args: string[] },
) {
  const samples = new Map<Way, number[]>(ways.map((way) => [way, []]));
  const scratch = mkdtempSync(path.join(os.tmpdir(), "edgehub-bench-sandbox-"));
  try {
    for (let run = 0; run < runs; run++) {
      for (const way of ways) {
        const jobDir = path.join(scratch, `${way}-${run}`);
        mkdirSync(jobDir, { recursive: true });
        const { command, args } = make(jobDir);
        samples.get(way)!.push(await timeOnce(way, settings, command, args, jobDir));
        rmSync(jobDir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return new Map([...samples].map(([way, values]) => [way, median(values)]));
}

function report(title: string, medians: Map<Way, number>) {
  const base = medians.get("spawn")!;
  console.log(`\n${title}\n| way | p50 ms | added ms | ratio |\n|---|---|---|---|`);
  for (const [way, value] of medians)
    console.log(
      `| ${way === "spawn" ? "plain spawn" : `sandbox ${way}`} | ${value.toFixed(1)} | ${(value - base).toFixed(1)} | ${(value / base).toFixed(3)}x |`,
    );
}

function inspectChild(file: string): { seconds: number; peakMb: number; answer: string } {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const child = path.join(root, "gpu-runner/src/executors/inspect/child.ts");
  const result = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, tsx, child, file], {
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=512" },
  });
  const [seconds, kb] = result.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  const line = result.stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX)) ?? "";
  const parsed = line ? JSON.parse(line.slice(RESULT_PREFIX.length)) : {};
  return {
    seconds: seconds!,
    peakMb: kb! / 1024,
    answer: parsed.info
      ? `read: ${parsed.info.task}, ${parsed.info.parameters} parameters`
      : String(parsed.error ?? "no answer"),
  };
}

export async function benchSandbox() {
  const settings = sandboxFromEnv({ ...process.env, RUNNER_SANDBOX: "plain" });
  const ways: Way[] = ["spawn", "plain", ...(bwrapWorks() ? (["bwrap"] as const) : [])];
  console.log(
    `\nSandbox cost (${ways.join(", ")}; ${NOOP_RUNS} no-op and ${EXPORT_RUNS} export runs, interleaved, medians)`,
  );
  report(
    "(a) a no-op CLI job (/bin/true)",
    await compare(ways, NOOP_RUNS, settings, () => ({ command: "/bin/true", args: [] })),
  );
  const exportWhat = process.env.BENCH_YOLO
    ? `the real yolo (${YOLO})`
    : "the yolo double (no Python here: set BENCH_YOLO)";
  report(
    `(b) an ONNX export of the fixture checkpoint with ${exportWhat}`,
    await compare(ways, EXPORT_RUNS, settings, (jobDir) => {
      copyFileSync(FIXTURE, path.join(jobDir, "model.pt"));
      return {
        command: YOLO,
        args: [
          "export",
          `model=${path.join(jobDir, "model.pt")}`,
          "format=onnx",
          "imgsz=256",
          "simplify=False",
          "device=cpu",
        ],
      };
    }),
  );

  const scratch = mkdtempSync(path.join(os.tmpdir(), "edgehub-bench-inspect-"));
  const files: [string, string][] = [
    ["honest fixture model.pt (5.4 MB)", FIXTURE],
    ["zip bomb (100 MiB of zeros in 100 KB)", path.join(scratch, "bomb.pt")],
    ["memo chain (2^60 paths)", path.join(scratch, "memo.pt")],
    ["nested 100,000 deep", path.join(scratch, "deep.pt")],
  ];
  writeFileSync(files[1]![1], zipBomb(100));
  writeFileSync(files[2]![1], checkpointWith(memoChainPickle()));
  writeFileSync(files[3]![1], checkpointWith(deepPickle()));
  const runnerBefore = process.memoryUsage().rss;
  console.log(
    "\n(c) the inspect parser child (median of 3)\n| file | wall s | child peak RSS MB | answer |\n|---|---|---|---|",
  );
  for (const [name, file] of files) {
    if (!existsSync(file)) continue;
    const runs = [inspectChild(file), inspectChild(file), inspectChild(file)];
    console.log(
      `| ${name} | ${median(runs.map((r) => r.seconds)).toFixed(2)} | ${median(runs.map((r) => r.peakMb)).toFixed(0)} | ${runs[0]!.answer.slice(0, 90)} |`,
    );
  }
  console.log(
    `runner process RSS: ${(runnerBefore / 1048576).toFixed(0)} MB before, ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB after`,
  );
  rmSync(scratch, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchSandbox().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
