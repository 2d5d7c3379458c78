-- search_vector IS NULL becomes the one "search text not filled yet" mark of the lazy fill
-- (libs/store search-index.repository.ts): rows given a vector before search_header/search_body
-- existed are queued again, so the next fill (worker, webmail or IMAP search) parses them once
-- and writes all three columns.
UPDATE "message" SET "search_vector" = NULL WHERE "search_vector" IS NOT NULL AND "search_body" IS NULL;
