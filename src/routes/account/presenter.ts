import type { accountSummary } from "../../services/account";

type AccountSummary = Awaited<ReturnType<typeof accountSummary>>;

/** The one presenter of the caller's account: the contract's AccountSummaryResponse. */
export function toAccountSummary(summary: AccountSummary) {
  const { workspace } = summary;
  return {
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
  };
}
