export * from "./tables/identity";
export * from "./tables/projects";
export * from "./tables/datasets";
export * from "./tables/trash";
export * from "./tables/storage";
export * from "./tables/idempotency";
export * from "./tables/models";
export * from "./tables/jobs";
