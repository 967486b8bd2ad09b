import { describe, expect, it } from "vitest";
import { body, call } from "../../helpers";

describe("GET /api/health", () => {
  it("reports the database, the bucket and the queue bindings, anonymously", async () => {
    const response = await call("GET", "/api/health");
    expect(response.status).toBe(200);
    const health = await body(response);
    expect(health.status).toBe("ok");
    expect(health.database.ok).toBe(true);
    expect(health.storage.ok).toBe(true);
    expect(health.queues).toEqual({
      "gpu-jobs": { bound: true },
      "cli-jobs": { bound: true },
      "cpu-jobs": { bound: true },
      "predict-jobs": { bound: true },
    });
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
    expect(response.headers.get("Server-Timing")).toBeNull(); // only with DEBUG_TIMING (test/middleware/hardening.test.ts)
    expect(response.headers.get("X-RateLimit-Limit")).toBe("100");
  });
});
