ALTER TABLE "api_keys" ADD COLUMN "model_id" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "job_id" text;--> statement-breakpoint
CREATE INDEX "api_keys_job_idx" ON "api_keys" USING btree ("job_id") WHERE "api_keys"."job_id" is not null;