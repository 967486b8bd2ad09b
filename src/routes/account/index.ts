import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppEnv, AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { accountSummary } from "../../services/account";
import { Region, json } from "../common/schemas";
import { mountSignedIn } from "../mount";

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

export const accountSummaryRoute = createRoute({
  method: "get",
  path: "/api/account/summary",
  operationId: "get_api_account_summary",
  tags: ["Account"],
  summary: "Summarize your account",
  description:
    "Returns your plan, credit balance, and resource counts. Browser sessions also include team workspaces. `yolo login` checks a key with this route.",
  responses: { 200: json(AccountSummaryResponse, "Account and workspace summary"), ...errorResponses(401, 429) },
});

const handleSummary: AppHandler<typeof accountSummaryRoute, SignedInActor> = async (c) => {
  const summary = await accountSummary(c.var.deps, c.var.actor);
  const { workspace } = summary;
  return c.json(
    {
      username: workspace.username,
      name: workspace.name,
      accountType: workspace.kind,
      plan: workspace.plan,
      creditsCents: summary.creditsCents,
      counts: summary.counts,
      teams: summary.teams.map(({ workspace: team, role }) => ({
        userId: team.id,
        username: team.username,
        fullName: team.name,
        plan: team.plan,
        region: team.region,
        role,
      })),
    },
    200,
  );
};

export function registerAccountRoutes(app: OpenAPIHono<AppEnv>): void {
  mountSignedIn(app, accountSummaryRoute, handleSummary);
}
