-- dataset_class_counts follows dataset_images: every statement that inserts, updates or deletes
-- images adds its net change per (dataset, class), read from the statement's transition tables.
-- A dataset deleted with its images (ON DELETE CASCADE) is skipped: its counts go with it.
CREATE FUNCTION "dataset_class_counts_follow"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "dataset_class_counts" AS c ("dataset_id", "class_id", "images")
    SELECT x."dataset_id", x."class_id", count(*)
    FROM (SELECT "dataset_id", unnest("class_ids") AS "class_id" FROM "new_rows") x
    GROUP BY 1, 2
    ON CONFLICT ("dataset_id", "class_id") DO UPDATE SET "images" = c."images" + excluded."images";
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "dataset_class_counts" AS c ("dataset_id", "class_id", "images")
    SELECT x."dataset_id", x."class_id", sum(x."delta")
    FROM (
      SELECT "dataset_id", unnest("class_ids") AS "class_id", 1 AS "delta" FROM "new_rows"
      UNION ALL
      SELECT "dataset_id", unnest("class_ids"), -1 FROM "old_rows"
    ) x
    GROUP BY 1, 2
    HAVING sum(x."delta") <> 0
    ON CONFLICT ("dataset_id", "class_id") DO UPDATE SET "images" = c."images" + excluded."images";
  ELSE
    UPDATE "dataset_class_counts" c SET "images" = c."images" - x."images"
    FROM (
      SELECT "dataset_id", "class_id", count(*) AS "images"
      FROM (SELECT "dataset_id", unnest("class_ids") AS "class_id" FROM "old_rows") o
      GROUP BY 1, 2
    ) x
    WHERE c."dataset_id" = x."dataset_id" AND c."class_id" = x."class_id";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "dataset_images_class_counts_insert" AFTER INSERT ON "dataset_images"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "dataset_class_counts_follow"();
--> statement-breakpoint
CREATE TRIGGER "dataset_images_class_counts_update" AFTER UPDATE ON "dataset_images"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT
  EXECUTE FUNCTION "dataset_class_counts_follow"();
--> statement-breakpoint
CREATE TRIGGER "dataset_images_class_counts_delete" AFTER DELETE ON "dataset_images"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "dataset_class_counts_follow"();
--> statement-breakpoint
INSERT INTO "dataset_class_counts" ("dataset_id", "class_id", "images")
SELECT "dataset_id", "class_id", count(*)
FROM (SELECT "dataset_id", unnest("class_ids") AS "class_id" FROM "dataset_images") x
GROUP BY 1, 2;
