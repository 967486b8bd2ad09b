import { z } from "@hono/zod-openapi";
import { Region } from "../common/schemas";

const Usage = z.object({ current: z.number(), limit: z.number(), percent: z.number() });
const Bytes = z.object({ bytes: z.number(), count: z.number() });

export const StorageInfoResponse = z
  .object({
    tier: z.enum(["free", "pro", "enterprise"]),
    usage: z.object({ storage: Usage }),
    updatedAt: z.string().nullable(),
    breakdown: z.object({
      byCategory: z.object({ datasets: Bytes, models: Bytes, exports: Bytes }),
      topItems: z.array(
        z.object({
          _id: z.string(),
          name: z.string(),
          sizeBytes: z.number(),
          type: z.enum(["project", "dataset", "model", "export"]),
        }),
      ),
    }),
    region: Region,
    username: z.string(),
  })
  .openapi("StorageInfoResponse");
