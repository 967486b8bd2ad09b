import { createRoute } from "@hono/zod-openapi";
import type { SignedInActor } from "../../auth/actor";
import type { AppHandler } from "../../context";
import { errorResponses } from "../../errors";
import { accountSummary } from "../../services/account";
import { json } from "../common/schemas";
import { toAccountSummary } from "./presenter";
import { AccountSummaryResponse } from "./schemas";

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

export const handleAccountSummary: AppHandler<typeof accountSummaryRoute, SignedInActor> = async (c) =>
  c.json(toAccountSummary(await accountSummary(c.var.deps, c.var.actor)), 200);
