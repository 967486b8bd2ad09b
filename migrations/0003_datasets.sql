CREATE TABLE "dataset_stars" (
	"dataset_id" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_stars_dataset_id_user_id_pk" PRIMARY KEY("dataset_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"visibility" text DEFAULT 'private' NOT NULL,
	"task" text DEFAULT 'detect' NOT NULL,
	"format" text DEFAULT 'yolo' NOT NULL,
	"class_names" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"class_colors" jsonb,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"license" text,
	"icon_color" text,
	"icon_letter" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"image_count" integer DEFAULT 0 NOT NULL,
	"splits" jsonb DEFAULT '{"train":0,"val":0,"test":0,"labeled":0}'::jsonb NOT NULL,
	"status" text DEFAULT 'ready' NOT NULL,
	"star_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "dataset_stars" ADD CONSTRAINT "dataset_stars_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_stars" ADD CONSTRAINT "dataset_stars_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "datasets_workspace_slug_idx" ON "datasets" USING btree ("workspace_id","slug") WHERE "datasets"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "datasets_workspace_created_idx" ON "datasets" USING btree ("workspace_id","created_at");