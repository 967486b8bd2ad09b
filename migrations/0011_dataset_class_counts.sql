CREATE TABLE "dataset_class_counts" (
	"dataset_id" text NOT NULL,
	"class_id" integer NOT NULL,
	"images" integer NOT NULL,
	CONSTRAINT "dataset_class_counts_dataset_id_class_id_pk" PRIMARY KEY("dataset_id","class_id")
);
--> statement-breakpoint
ALTER TABLE "dataset_class_counts" ADD CONSTRAINT "dataset_class_counts_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;