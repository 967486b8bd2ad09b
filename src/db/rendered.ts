import { drizzle } from "drizzle-orm/neon-serverless";
import type { Database } from "./client";

/** What a drizzle select offers once built: a prepared query whose values are its placeholders. */
interface Preparable<Row> {
  prepare(name?: string): { execute(values?: Record<string, unknown>): Promise<Row[]> };
}

/** Builds statements that are only rendered, never run: the pool is bound per call. */
const renderer = drizzle.mock() as unknown as Database;

/** Statement names in use: a name must mean one statement on a connection. */
const names = new Set<string>();

/**
 * A hot read whose SQL drizzle renders once per isolate and shape instead of on every request,
 * and which Postgres parses and plans once per session instead of on every query.
 *
 * - Rendering the project read's statement costs ~0.3 ms of CPU in workerd, more than all else
 *   EdgeHub does for that read (measured with bench/).
 * - The statement goes out named `<name>:<shape>`, as a prepared statement. Over a WebSocket
 *   session, Postgres parses it once per server connection and, after its first few runs,
 *   plans it once too (behind a pooler: one that keeps prepared statements, PgBouncer's
 *   `max_prepared_statements`; locally the PGlite server). On PGlite that was 1 ms of the
 *   read's 1.3 ms statement (measured). Over HTTP the name is dropped.
 *
 * `build` writes values as `sql.placeholder(name)`; `shape` names what changes the SQL itself
 * (an id or an owner/slug, a signed-in viewer or none). Each call binds the rendered statement
 * to the request's pool.
 */
export function renderedOnce<Shape extends string, Row>(
  name: string,
  build: (db: Database, shape: Shape) => Preparable<Row>,
) {
  if (names.has(name)) throw new Error(`renderedOnce: the statement name ${name} is taken`);
  names.add(name);
  const templates = new Map<Shape, ReturnType<Preparable<Row>["prepare"]>>();
  return (db: Database, shape: Shape, values: Record<string, unknown>): Promise<Row[]> => {
    let template = templates.get(shape);
    if (!template) templates.set(shape, (template = build(renderer, shape).prepare(`${name}:${shape}`)));
    // A prepared query runs on its `client`: a copy per call carries this request's pool.
    const bound = Object.create(template, { client: { value: db.$client } }) as typeof template;
    return bound.execute(values);
  };
}
