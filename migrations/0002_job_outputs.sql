CREATE TABLE "job_outputs" (
	"id" text PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"object_key" text NOT NULL,
	"multipart_upload_id" text,
	"kept" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "job_outputs_job_idx" ON "job_outputs" USING btree ("job_id","object_key");--> statement-breakpoint
CREATE INDEX "job_outputs_created_idx" ON "job_outputs" USING btree ("created_at");