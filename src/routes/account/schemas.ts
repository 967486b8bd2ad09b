import { z } from "@hono/zod-openapi";
import { Region } from "../common/schemas";

export const AccountSummaryResponse = z
  .object({
    username: z.string().openapi({ description: "Personal account or workspace handle used in API paths" }),
    name: z.string(),
    accountType: z.enum(["personal", "team"]),
    plan: z.enum(["free", "pro", "enterprise"]),
    creditsCents: z.number().int(),
    counts: z.object({
      projects: z.number().int().min(0),
      datasets: z.number().int().min(0),
      models: z.number().int().min(0),
    }),
    teams: z.array(
      z.object({
        userId: z.string(),
        username: z.string(),
        fullName: z.string().optional(),
        plan: z.string(),
        region: Region,
        role: z.enum(["viewer", "editor", "admin", "owner"]),
      }),
    ),
  })
  .openapi("AccountSummaryResponse");
