import { timestamp } from "drizzle-orm/pg-core";

/** A timestamptz column read and written as a JS Date. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const createdAt = () => at("created_at").notNull().defaultNow();
export const updatedAt = () => at("updated_at").notNull().defaultNow();
