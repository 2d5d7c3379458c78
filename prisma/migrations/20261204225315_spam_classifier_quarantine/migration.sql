-- CreateTable
CREATE TABLE "spam_token" (
    "hash" BIGINT NOT NULL,
    "spam" INTEGER NOT NULL DEFAULT 0,
    "ham" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "spam_token_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "spam_user_token" (
    "account_id" INTEGER NOT NULL,
    "hash" BIGINT NOT NULL,
    "spam" INTEGER NOT NULL DEFAULT 0,
    "ham" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "spam_user_token_pkey" PRIMARY KEY ("account_id","hash")
);

-- CreateTable
CREATE TABLE "spam_learned" (
    "digest" TEXT NOT NULL,
    "spam" BOOLEAN NOT NULL,

    CONSTRAINT "spam_learned_pkey" PRIMARY KEY ("digest")
);

-- CreateTable
CREATE TABLE "spam_user_learned" (
    "account_id" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "spam" BOOLEAN NOT NULL,

    CONSTRAINT "spam_user_learned_pkey" PRIMARY KEY ("account_id","digest")
);

-- CreateTable
CREATE TABLE "spam_quarantine" (
    "id" BIGSERIAL NOT NULL,
    "account_id" INTEGER NOT NULL,
    "received_digest" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "from_address" TEXT NOT NULL DEFAULT '',
    "subject" TEXT NOT NULL DEFAULT '',
    "score" DOUBLE PRECISION NOT NULL,
    "symbols" JSONB NOT NULL,
    "probability" DOUBLE PRECISION,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spam_quarantine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spam_threshold" (
    "id" SERIAL NOT NULL,
    "domain_id" INTEGER,
    "account_id" INTEGER,
    "junk" DOUBLE PRECISION,
    "quarantine" DOUBLE PRECISION,
    "reject" DOUBLE PRECISION,

    CONSTRAINT "spam_threshold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "spam_quarantine_account_id_created_at_idx" ON "spam_quarantine"("account_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "spam_quarantine_account_id_received_digest_key" ON "spam_quarantine"("account_id", "received_digest");

-- CreateIndex
CREATE UNIQUE INDEX "spam_threshold_domain_id_key" ON "spam_threshold"("domain_id");

-- CreateIndex
CREATE UNIQUE INDEX "spam_threshold_account_id_key" ON "spam_threshold"("account_id");

-- AddForeignKey
ALTER TABLE "spam_user_token" ADD CONSTRAINT "spam_user_token_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spam_user_learned" ADD CONSTRAINT "spam_user_learned_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spam_quarantine" ADD CONSTRAINT "spam_quarantine_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spam_threshold" ADD CONSTRAINT "spam_threshold_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "spam_threshold" ADD CONSTRAINT "spam_threshold_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
