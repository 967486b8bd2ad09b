import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import type { Env } from "../src/env";
import { settingsOf, settingsProblem } from "../src/settings";

const env = (vars: Record<string, string>) => vars as unknown as Env;

describe("settings, parsed once", () => {
  it("takes the defaults when nothing is set", () => {
    expect(settingsOf(env({}))).toMatchObject({
      JOB_LEASE_SECONDS: 60,
      PREDICT_WAIT_MS: 30_000,
      UPLOAD_PART_SIZE: 64 * 1024 * 1024,
      DEBUG_TIMING: false,
      CLIENT_IP_HEADER: "cf-connecting-ip",
      ALLOWED_ORIGINS: [],
      OUTBOUND_ALLOW_HOSTS: [],
    });
  });

  it("parses what is set, lists included", () => {
    const settings = settingsOf(
      env({
        UPLOAD_PART_SIZE: "5242880",
        DEBUG_TIMING: "true",
        OUTBOUND_ALLOW_HOSTS: "127.0.0.1:9000, Pictures.Local",
      }),
    );
    expect(settings).toMatchObject({
      UPLOAD_PART_SIZE: 5 * 1024 * 1024,
      DEBUG_TIMING: true,
      OUTBOUND_ALLOW_HOSTS: ["127.0.0.1:9000", "pictures.local"],
    });
  });

  it("names a setting that does not parse (every request then answers 503 with it)", () => {
    expect(settingsProblem(env({ UPLOAD_PART_SIZE: "1024" }))).toMatch(/UPLOAD_PART_SIZE/);
    expect(settingsProblem(env({ JOB_LEASE_SECONDS: "soon" }))).toMatch(/JOB_LEASE_SECONDS/);
    expect(settingsProblem(env({}))).toBeUndefined();
  });

  it("answers a request 503 naming the bad setting, not 500", async () => {
    const response = await createApp().fetch(
      new Request("http://edgehub.test/api/health"),
      env({ UPLOAD_PART_SIZE: "1024" }),
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      error: expect.stringMatching(/UPLOAD_PART_SIZE/),
    });
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});
