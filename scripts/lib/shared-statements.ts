/**
 * Named prepared statements for many connections on one PGlite session, kept the way PgBouncer
 * keeps them in transaction mode (`max_prepared_statements`): a client's statement name maps to
 * a session-wide name derived from the statement itself, so the session parses and plans a
 * statement once however many connections prepare it.
 *
 * Without this, two connections that prepare the same name collide ("prepared statement already
 * exists"), since PGlite has one session where Postgres has one per connection.
 */
import { createHash } from "node:crypto";

/** What the server does with one frontend message. */
export type Routed =
  | { kind: "forward"; message: Uint8Array; prepares?: string }
  /** Answered here, as the session would have answered (null: the session would have skipped it). */
  | { kind: "answer"; reply: Uint8Array | null };

const PARSE_COMPLETE = Uint8Array.of(0x31, 0, 0, 0, 4);
const CLOSE_COMPLETE = Uint8Array.of(0x33, 0, 0, 0, 4);

/** The statements prepared on the one session. */
export class SharedStatements {
  private readonly prepared = new Set<string>();

  connection(): ConnectionStatements {
    return new ConnectionStatements(this.prepared);
  }
}

/** One connection's view: its own names, and whether the session is skipping to the next Sync. */
export class ConnectionStatements {
  private readonly names = new Map<string, string>();
  /** After an error, the session ignores extended-protocol messages until Sync. */
  private failed = false;
  /** Bytes of the backend message in progress still to come, or its partial 5-byte header. */
  private remaining = 0;
  private header: number[] = [];

  constructor(private readonly prepared: Set<string>) {}

  /** Routes a frontend message of `type`: its first byte, or "startup" (forwarded as it is). */
  route(message: Uint8Array, type: string): Routed {
    switch (type) {
      case "P":
        return this.parse(message);
      case "B":
        return { kind: "forward", message: this.renameStatement(message, 5 + cstringLength(message, 5) + 1) };
      case "D":
        return message[5] === 0x53
          ? { kind: "forward", message: this.renameStatement(message, 6) }
          : { kind: "forward", message };
      case "C":
        return message[5] === 0x53 ? this.close(message) : { kind: "forward", message };
      case "Q":
        this.noteDropped(text(message, 5, cstringLength(message, 5)));
        return { kind: "forward", message };
      default:
        return { kind: "forward", message };
    }
  }

  /** After the session answered a forwarded message: a Parse that did not fail made its statement. */
  settled(routed: Routed): void {
    if (routed.kind === "forward" && routed.prepares && !this.failed) this.prepared.add(routed.prepares);
  }

  /**
   * Reads the session's answers, across chunk boundaries: an ErrorResponse ('E') starts the
   * skip to Sync, whose ReadyForQuery ('Z') ends it.
   */
  observe(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, data.length - at);
        this.remaining -= take;
        at += take;
        continue;
      }
      this.header.push(data[at++]!);
      if (this.header.length < 5) continue;
      const [type, a, b, c, d] = this.header as [number, number, number, number, number];
      if (type === 0x45) this.failed = true;
      if (type === 0x5a) this.failed = false;
      this.remaining = ((a << 24) | (b << 16) | (c << 8) | d) - 4;
      this.header = [];
    }
  }

  /** DEALLOCATE and DISCARD ALL in plain SQL drop statements on the session: forget them too. */
  private noteDropped(sql: string): void {
    const dropped = /^\s*(?:deallocate\s+(?:prepare\s+)?(?:all|"?([\w$]+)"?)|discard\s+all)\s*;?\s*$/i.exec(sql);
    if (!dropped) return;
    if (dropped[1]) this.prepared.delete(dropped[1]);
    else this.prepared.clear();
  }

  private parse(message: Uint8Array): Routed {
    const nameLength = cstringLength(message, 5);
    if (nameLength === 0) return { kind: "forward", message };
    if (this.failed) return { kind: "answer", reply: null };
    // The statement's identity: its text and parameter types, everything after the name.
    const body = message.subarray(5 + nameLength + 1);
    const serverName = `shared_${createHash("sha1").update(body).digest("hex")}`;
    // A second Parse of a name the connection holds replaces it (Postgres refuses one; drivers never send it).
    this.names.set(text(message, 5, nameLength), serverName);
    if (this.prepared.has(serverName)) return { kind: "answer", reply: PARSE_COMPLETE };
    return { kind: "forward", message: frame(0x50, [cstring(serverName), body]), prepares: serverName };
  }

  /** Close of a statement: the name goes; the session keeps the statement for other connections. */
  private close(message: Uint8Array): Routed {
    this.names.delete(text(message, 6, cstringLength(message, 6)));
    return { kind: "answer", reply: this.failed ? null : CLOSE_COMPLETE };
  }

  /** Rewrites the statement name that starts at `offset` to its session-wide name, if it has one. */
  private renameStatement(message: Uint8Array, offset: number): Uint8Array {
    const length = cstringLength(message, offset);
    const serverName = length > 0 ? this.names.get(text(message, offset, length)) : undefined;
    if (!serverName) return message;
    return frame(message[0]!, [
      message.subarray(5, offset),
      cstring(serverName),
      message.subarray(offset + length + 1),
    ]);
  }
}

function cstringLength(message: Uint8Array, offset: number): number {
  const end = message.indexOf(0, offset);
  return (end < 0 ? message.length : end) - offset;
}

function text(message: Uint8Array, offset: number, length: number): string {
  return Buffer.from(message.subarray(offset, offset + length)).toString("utf8");
}

function cstring(value: string): Uint8Array {
  return Buffer.from(`${value}\0`, "utf8");
}

/** A frontend message: type byte, int32 length (itself included), then the parts. */
function frame(type: number, parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const message = Buffer.alloc(5 + body.length);
  message[0] = type;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}
