-- Idempotency records kept the answers of API key creations, plaintext keys included, for 24 h.
-- Those answers are no longer stored (src/middleware/idempotency.ts); drop the ones already there.
DELETE FROM "idempotency_keys" WHERE "response_body" LIKE '%"key":"ul\_%';
