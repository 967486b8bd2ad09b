/**
 * Runs a command that touches a user's files (a checkpoint Ultralytics unpickles can carry any
 * Python) as a child that holds nothing of the fleet:
 * - its environment is built from an allow-list, never from process.env (RUNNER_TOKEN and
 *   QUEUE_TOKEN stay in the runner);
 * - its job folder is its only writable place; in `bwrap` mode it sees nothing else of the
 *   runner's files (no other job folder, no home), no other process (its own pid namespace, so no
 *   /proc/<runner>/environ) and no network unless the job needs it;
 * - address space, CPU time and file size are capped by rlimits, wall-clock time by a timer;
 * - on cancel or timeout its whole process group (in bwrap mode, its pid namespace) is killed.
 * `plain` mode is the documented fallback where bubblewrap is absent: allow-listed environment,
 * rlimits, process group, and (with SANDBOX_UID) another user; it hides no files.
 */
import { spawn, spawnSync } from "node:child_process";
import { chownSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";

export type SandboxMode = "bwrap" | "plain";

export interface SandboxSettings {
  mode: SandboxMode;
  /** Address-space cap (RLIMIT_AS); 0 = none (CUDA maps more than it uses: cap GPU jobs by cgroup). */
  memoryMb: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** Largest file the child may write (RLIMIT_FSIZE). */
  fileMb: number;
  /** Runner variables the child may see besides the fixed ones (for example CUDA_VISIBLE_DEVICES). */
  passEnv: string[];
  /** Plain mode: run the child as this user and group (the runner must be root). */
  uid?: number;
  gid?: number;
}

export interface SandboxRun {
  command: string;
  args: string[];
  /** The job's own folder: the child's working directory, HOME, TMPDIR and only writable place. */
  jobDir: string;
  /** Variables this job needs (never the fleet's). */
  env?: Record<string, string>;
  /** Extra folders the child may read (the CLI's installation is added by itself). */
  readOnly?: string[];
  network?: boolean;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  /** The child reads lines from the caller on stdin (otherwise its stdin is closed). */
  input?: boolean;
  /** Lets the caller hold the child's output while it catches up: a child writing to a full pipe waits. */
  onStart?: (child: ChildPipes) => void;
}

export interface ChildPipes {
  pause(): void;
  resume(): void;
  /** A line to the child's stdin (with `input`); dropped once the child has gone. */
  send(line: string): void;
}

export interface SandboxExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the sandbox stopped it: which cap it hit, or "cancelled". */
  stoppedBy?: "wall-clock limit" | "CPU-time limit" | "memory limit" | "cancelled";
  lines: string[];
}

/** Variables every child gets from the runner, when set: locale and the GPU it may use. */
const FIXED_PASS_ENV = ["LANG", "LC_ALL", "TZ", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"];
const SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";
const KILL_GRACE_MS = 3_000;
/** The longest line kept from a child's output (an inspect answer is one line of JSON). */
const MAX_LINE_CHARS = 4 * 1024 * 1024;
/** System folders bwrap shows read-only: programs and libraries, never the runner's home or work root. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc", "/opt"];

/** The environment a child sees: fixed safe values, a few runner variables by name, the job's own. */
export function sandboxEnv(
  settings: SandboxSettings,
  run: Pick<SandboxRun, "jobDir" | "env" | "command">,
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${path.dirname(run.command)}:${SAFE_PATH}`,
    HOME: run.jobDir,
    TMPDIR: path.join(run.jobDir, "tmp"),
    YOLO_CONFIG_DIR: path.join(run.jobDir, ".config"),
    MPLCONFIGDIR: path.join(run.jobDir, ".config"),
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    NO_COLOR: "1",
  };
  for (const name of [...FIXED_PASS_ENV, ...settings.passEnv]) if (from[name] !== undefined) env[name] = from[name]!;
  return { ...env, ...run.env };
}

/** The install prefix of a program (and of its script interpreter), which the child must read. */
export function installPrefixes(command: string): string[] {
  const prefixes = new Set<string>();
  const add = (file: string) => {
    try {
      prefixes.add(path.dirname(path.dirname(realpathSync(file))));
    } catch {
      // not a file here: the child will fail to start and say so
    }
  };
  add(command);
  try {
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(command).subarray(0, 256).toString("utf8"));
    if (shebang?.[1]) add(shebang[1].endsWith("/env") && shebang[2] ? (which(shebang[2]) ?? shebang[1]) : shebang[1]);
  } catch {
    // unreadable: nothing to add
  }
  return [...prefixes].filter((prefix) => prefix !== "/");
}

function which(name: string): string | undefined {
  for (const dir of SAFE_PATH.split(":")) {
    const candidate = path.join(dir, name);
    try {
      return realpathSync(candidate);
    } catch {
      // next
    }
  }
  return undefined;
}

/** True when bubblewrap is installed and may make namespaces here. */
export function bwrapWorks(): boolean {
  const probe = spawnSync(
    "bwrap",
    ["--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"],
    { stdio: "ignore", timeout: 5_000 },
  );
  return probe.status === 0;
}

/** The rlimits, applied by the shell that then becomes the command. */
function limited(settings: SandboxSettings, command: string, args: string[]): string[] {
  // SIGXCPU at the soft CPU limit (reported as such), SIGKILL a few seconds later at the hard one.
  const limits = [
    `ulimit -t ${settings.cpuSeconds + 5}`,
    `ulimit -S -t ${settings.cpuSeconds}`,
    `ulimit -f ${settings.fileMb * 2048}`,
  ];
  if (settings.memoryMb > 0) limits.push(`ulimit -v ${settings.memoryMb * 1024}`);
  return ["/bin/sh", "-c", `${limits.join(" && ")} && exec "$0" "$@"`, command, ...args];
}

function bwrapArgs(run: SandboxRun): string[] {
  const args = [
    "--die-with-parent",
    "--new-session",
    "--unshare-all",
    "--unshare-user",
    "--uid",
    "65534",
    "--gid",
    "65534",
  ];
  if (run.network) args.push("--share-net");
  for (const dir of SYSTEM_DIRS) args.push("--ro-bind-try", dir, dir);
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run");
  for (const dir of [...installPrefixes(run.command), ...(run.readOnly ?? [])]) args.push("--ro-bind", dir, dir);
  args.push("--bind", run.jobDir, run.jobDir, "--chdir", run.jobDir, "--");
  return args;
}

/** Runs the command in the sandbox; resolves with how it ended (the caller decides what failed). */
export function runSandboxed(settings: SandboxSettings, run: SandboxRun): Promise<SandboxExit> {
  mkdirSync(path.join(run.jobDir, "tmp"), { recursive: true });
  // Plain mode as another user: the job folder must be that user's to write.
  if (settings.mode === "plain" && settings.uid !== undefined) {
    for (const dir of [run.jobDir, path.join(run.jobDir, "tmp")])
      chownSync(dir, settings.uid, settings.gid ?? settings.uid);
  }
  const inner = limited(settings, run.command, run.args);
  const [program, ...args] = settings.mode === "bwrap" ? ["bwrap", ...bwrapArgs(run), ...inner] : inner;
  const ids =
    settings.mode === "plain" && settings.uid !== undefined
      ? { uid: settings.uid, gid: settings.gid ?? settings.uid }
      : {};
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, {
      cwd: run.jobDir,
      env: sandboxEnv(settings, run),
      detached: true,
      stdio: [run.input ? "pipe" : "ignore", "pipe", "pipe"] as ["pipe", "pipe", "pipe"],
      ...ids,
    });
    const lines: string[] = [];
    let stoppedBy: SandboxExit["stoppedBy"];
    let partial = "";
    const take = (chunk: Buffer) => {
      const pieces = (partial + chunk.toString("utf8")).split(/\r?\n|\r/);
      partial = pieces.pop() ?? "";
      // Output without newlines must not grow without bound either.
      if (partial.length > MAX_LINE_CHARS) (pieces.push(partial.slice(0, MAX_LINE_CHARS)), (partial = ""));
      for (const line of pieces) if (line.trim()) emit(line);
    };
    const emit = (line: string) => {
      lines.push(line);
      if (lines.length > 2_000) lines.shift();
      run.onLine?.(line);
    };
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: NonNullable<SandboxExit["stoppedBy"]>) => {
      stoppedBy ??= reason;
      killGroup("SIGTERM");
      killTimer ??= setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    };
    const wall = setTimeout(() => stop("wall-clock limit"), settings.wallSeconds * 1000);
    const cancel = () => stop("cancelled");
    run.signal?.addEventListener("abort", cancel, { once: true });
    if (run.signal?.aborted) cancel();
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.stdin?.on("error", () => {}); // a child that exits before reading its input
    run.onStart?.({
      pause: () => child.stdout.pause(),
      resume: () => child.stdout.resume(),
      send: (line) => void (child.stdin?.writable && child.stdin.write(`${line}\n`)),
    });
    child.on("error", (error) => reject(new Error(`could not start ${run.command}: ${error.message}`)));
    child.on("close", (code, signal) => {
      clearTimeout(wall);
      clearTimeout(killTimer);
      run.signal?.removeEventListener("abort", cancel);
      killGroup("SIGKILL"); // anything it left behind in its group
      if (partial.trim()) emit(partial);
      // bwrap reports a child killed by a signal as 128 + its number (SIGXCPU is 24).
      if (!stoppedBy && (signal === "SIGXCPU" || code === 152)) stoppedBy = "CPU-time limit";
      if (!stoppedBy && settings.memoryMb > 0 && lines.some(isOutOfMemory)) stoppedBy = "memory limit";
      resolve({ code, signal, stoppedBy, lines });
    });
  });
}

/** What Python, Node and the C library print when an allocation fails under RLIMIT_AS. */
function isOutOfMemory(line: string): boolean {
  return /MemoryError|Cannot allocate memory|out of memory|Array buffer allocation failed|std::bad_alloc/i.test(line);
}

/** Why the sandbox stopped a child, as a job error that names the cap. */
export function describeStop(settings: SandboxSettings, exit: SandboxExit): string | undefined {
  switch (exit.stoppedBy) {
    case "wall-clock limit":
      return `stopped at the sandbox's wall-clock limit (SANDBOX_WALL_SECONDS=${settings.wallSeconds})`;
    case "CPU-time limit":
      return `stopped at the sandbox's CPU-time limit (SANDBOX_CPU_SECONDS=${settings.cpuSeconds})`;
    case "memory limit":
      return `ran out of memory under the sandbox's cap (SANDBOX_MEMORY_MB=${settings.memoryMb})`;
    case "cancelled":
      return "cancelled";
    default:
      return undefined;
  }
}
