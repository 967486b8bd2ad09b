/** The OpenAPI security of routes that only a runner holding the fleet's RUNNER_TOKEN may call. */
export const RUNNER_SECURITY = [{ RunnerToken: [] }];
