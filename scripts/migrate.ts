/** `npm run db:migrate`: applies migrations to DATABASE_URL (Neon, PostgreSQL or a PGlite socket). */
import { applyMigrations } from "./lib/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. Example: DATABASE_URL=postgres://user:pass@host/db npm run db:migrate");
  process.exit(2);
}
await applyMigrations(url);
console.log("migrations applied");
