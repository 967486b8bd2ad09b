import type { storageInfo } from "../../services/storage";

type StorageInfo = Awaited<ReturnType<typeof storageInfo>>;

const TYPE_OF_CATEGORY = { datasets: "dataset", models: "model", exports: "export", icons: "project" } as const;

/** The one presenter of a workspace's storage: the contract's StorageInfoResponse. */
export function toStorageInfo(info: StorageInfo) {
  return {
    tier: info.workspace.plan,
    usage: { storage: info.storage },
    updatedAt: info.updatedAt?.toISOString() ?? null,
    breakdown: {
      byCategory: info.byCategory,
      topItems: info.topItems.map((item) => ({
        _id: item.resourceId,
        name: item.name,
        sizeBytes: item.sizeBytes,
        type: TYPE_OF_CATEGORY[item.category],
      })),
    },
    region: info.workspace.region,
    username: info.workspace.username,
  };
}
