CREATE TABLE "dataset_images" (
	"id" text PRIMARY KEY NOT NULL,
	"dataset_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"hash" text NOT NULL,
	"filename" text NOT NULL,
	"original_path" text,
	"split" text NOT NULL,
	"ext" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"bytes" bigint NOT NULL,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"label_count" integer DEFAULT 0 NOT NULL,
	"class_ids" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"error" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "image_blobs" (
	"hash" text PRIMARY KEY NOT NULL,
	"ext" text NOT NULL,
	"bytes" bigint NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The old primary key (key alone), named by Postgres; drizzle-kit asks for it to be filled in.
ALTER TABLE "storage_objects" DROP CONSTRAINT "storage_objects_pkey";--> statement-breakpoint
ALTER TABLE "storage_objects" ADD CONSTRAINT "storage_objects_key_resource_id_pk" PRIMARY KEY("key","resource_id");--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "kpt_shape" jsonb;--> statement-breakpoint
ALTER TABLE "dataset_images" ADD CONSTRAINT "dataset_images_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_images" ADD CONSTRAINT "dataset_images_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_images" ADD CONSTRAINT "dataset_images_hash_image_blobs_hash_fk" FOREIGN KEY ("hash") REFERENCES "public"."image_blobs"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_images_name_idx" ON "dataset_images" USING btree ("dataset_id","split","filename");--> statement-breakpoint
CREATE INDEX "dataset_images_created_idx" ON "dataset_images" USING btree ("dataset_id","created_at","id");--> statement-breakpoint
CREATE INDEX "dataset_images_filename_idx" ON "dataset_images" USING btree ("dataset_id","filename","id");--> statement-breakpoint
CREATE INDEX "dataset_images_hash_idx" ON "dataset_images" USING btree ("dataset_id","hash");--> statement-breakpoint
CREATE INDEX "dataset_images_width_idx" ON "dataset_images" USING btree ("dataset_id","width","id");--> statement-breakpoint
CREATE INDEX "dataset_images_height_idx" ON "dataset_images" USING btree ("dataset_id","height","id");--> statement-breakpoint
CREATE INDEX "dataset_images_bytes_idx" ON "dataset_images" USING btree ("dataset_id","bytes","id");--> statement-breakpoint
CREATE INDEX "dataset_images_labels_idx" ON "dataset_images" USING btree ("dataset_id","label_count","id");--> statement-breakpoint
CREATE INDEX "dataset_images_classes_idx" ON "dataset_images" USING gin ("class_ids");--> statement-breakpoint
CREATE INDEX "dataset_images_blob_idx" ON "dataset_images" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "dataset_images_errors_idx" ON "dataset_images" USING btree ("dataset_id") WHERE "dataset_images"."error" is not null;