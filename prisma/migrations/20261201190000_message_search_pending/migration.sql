-- Delivery now leaves message.search_vector NULL (filled lazily by the worker and by webmail
-- search); this partial index finds the messages still to be indexed.
-- CreateIndex
CREATE INDEX "message_search_pending_idx" ON "message"("mailbox_id", "id") WHERE search_vector IS NULL;
