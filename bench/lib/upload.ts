/** Streams byte ranges of a file as HTTP PUTs, and samples a process tree's memory meanwhile. */
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import http from "node:http";

export function putRange(url: string, file: string, start: number, size: number, contentType: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "PUT", headers: { "Content-Type": contentType, "Content-Length": String(size) } },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () =>
          response.statusCode === 200 ? resolve(text) : reject(new Error(`PUT ${response.statusCode}: ${text}`)),
        );
      },
    );
    request.on("error", reject);
    createReadStream(file, { start, end: start + size - 1, highWaterMark: 1024 * 1024 }).pipe(request);
  });
}

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

/** RSS in MB of the workerd processes under the wrangler process whose arguments contain `marker`. */
export function workerdRssMb(marker: string): number {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,rss=,args="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => {
      const [pid, ppid, rss, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args.join(" ") };
    });
  const roots = rows.filter((row) => row.args.includes("wrangler") && row.args.includes(marker)).map((row) => row.pid);
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (tree.has(row.ppid) && !tree.has(row.pid)) (tree.add(row.pid), (grew = true));
  }
  return (
    rows.filter((row) => tree.has(row.pid) && row.args.includes("workerd")).reduce((sum, row) => sum + row.rss, 0) /
    1024
  );
}

export function sampleMemory(marker: string): () => { baselineMb: number; peakMb: number } {
  const baselineMb = workerdRssMb(marker);
  let peakMb = baselineMb;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, workerdRssMb(marker))), 200);
  return () => {
    clearInterval(timer);
    return { baselineMb, peakMb };
  };
}
