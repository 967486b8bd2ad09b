import { drizzle } from "drizzle-orm/neon-serverless";
import type { Database } from "./client";

/** What a drizzle select offers once built: a prepared query whose values are its placeholders. */
interface Preparable<Row> {
  prepare(name?: string): { execute(values?: Record<string, unknown>): Promise<Row[]> };
}

/** Builds statements that are only rendered, never run: the pool is bound per call. */
const renderer = drizzle.mock() as unknown as Database;

/**
 * A hot read whose SQL drizzle renders once per isolate and shape instead of on every request:
 * rendering the project read's statement costs ~0.3 ms of CPU in workerd, more than all else
 * EdgeHub does for that read (measured with bench/). `build` writes values as
 * `sql.placeholder(name)`; `shape` names what changes the SQL itself (an id or an owner/slug, a
 * signed-in viewer or none). Each call binds the rendered statement to the request's pool.
 */
export function renderedOnce<Shape extends string, Row>(build: (db: Database, shape: Shape) => Preparable<Row>) {
  const templates = new Map<Shape, ReturnType<Preparable<Row>["prepare"]>>();
  return (db: Database, shape: Shape, values: Record<string, unknown>): Promise<Row[]> => {
    let template = templates.get(shape);
    if (!template) templates.set(shape, (template = build(renderer, shape).prepare()));
    // A prepared query runs on its `client`: a copy per call carries this request's pool.
    const bound = Object.create(template, { client: { value: db.$client } }) as typeof template;
    return bound.execute(values);
  };
}
