-- CreateTable
CREATE TABLE "outbound_attempt" (
    "id" BIGSERIAL NOT NULL,
    "outbound_id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "host" TEXT,
    "result" TEXT NOT NULL,
    "response" TEXT,

    CONSTRAINT "outbound_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbound_attempt_outbound_id_idx" ON "outbound_attempt"("outbound_id");

-- AddForeignKey
ALTER TABLE "outbound_attempt" ADD CONSTRAINT "outbound_attempt_outbound_id_fkey" FOREIGN KEY ("outbound_id") REFERENCES "outbound"("id") ON DELETE CASCADE ON UPDATE CASCADE;
