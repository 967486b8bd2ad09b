CREATE TABLE "dataset_version_images" (
	"version_id" text NOT NULL,
	"image_id" text NOT NULL,
	"hash" text NOT NULL,
	"filename" text NOT NULL,
	"original_path" text,
	"split" text NOT NULL,
	"ext" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" bigint NOT NULL,
	"labels" jsonb NOT NULL,
	"label_count" integer NOT NULL,
	"class_ids" integer[] NOT NULL,
	"error" text,
	"metadata" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_version_images_version_id_image_id_pk" PRIMARY KEY("version_id","image_id")
);
--> statement-breakpoint
CREATE TABLE "dataset_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"dataset_id" text NOT NULL,
	"version" integer NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"task" text NOT NULL,
	"class_names" jsonb NOT NULL,
	"kpt_shape" jsonb,
	"image_count" integer NOT NULL,
	"annotation_count" integer NOT NULL,
	"splits" jsonb NOT NULL,
	"object_key" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_version_images" ADD CONSTRAINT "dataset_version_images_version_id_dataset_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_version_images" ADD CONSTRAINT "dataset_version_images_hash_image_blobs_hash_fk" FOREIGN KEY ("hash") REFERENCES "public"."image_blobs"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_version_images_hash_idx" ON "dataset_version_images" USING btree ("hash");--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_versions_number_idx" ON "dataset_versions" USING btree ("dataset_id","version");