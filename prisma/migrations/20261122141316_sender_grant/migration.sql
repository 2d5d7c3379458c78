-- CreateTable
CREATE TABLE "sender_grant" (
    "account_id" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sender_grant_pkey" PRIMARY KEY ("account_id","address")
);

-- AddForeignKey
ALTER TABLE "sender_grant" ADD CONSTRAINT "sender_grant_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
