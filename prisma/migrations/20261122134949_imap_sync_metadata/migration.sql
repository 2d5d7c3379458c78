-- AlterTable
ALTER TABLE "mailbox" ADD COLUMN     "expunge_horizon" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "mailbox_metadata" (
    "mailbox_id" INTEGER NOT NULL,
    "entry" TEXT NOT NULL,
    "value" BYTEA NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mailbox_metadata_pkey" PRIMARY KEY ("mailbox_id","entry")
);

-- CreateTable
CREATE TABLE "account_metadata" (
    "account_id" INTEGER NOT NULL,
    "entry" TEXT NOT NULL,
    "value" BYTEA NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_metadata_pkey" PRIMARY KEY ("account_id","entry")
);

-- CreateTable
CREATE TABLE "server_metadata" (
    "entry" TEXT NOT NULL,
    "value" BYTEA NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "server_metadata_pkey" PRIMARY KEY ("entry")
);

-- CreateIndex
CREATE INDEX "expunged_expunged_at_idx" ON "expunged"("expunged_at");

-- AddForeignKey
ALTER TABLE "mailbox_metadata" ADD CONSTRAINT "mailbox_metadata_mailbox_id_fkey" FOREIGN KEY ("mailbox_id") REFERENCES "mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_metadata" ADD CONSTRAINT "account_metadata_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
