-- CreateEnum
CREATE TYPE "SieveScriptPlace" AS ENUM ('personal', 'before', 'after', 'include');

-- CreateTable
CREATE TABLE "sieve_script" (
    "id" SERIAL NOT NULL,
    "account_id" INTEGER,
    "domain_id" INTEGER,
    "place" "SieveScriptPlace" NOT NULL DEFAULT 'personal',
    "name" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "reported_version" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sieve_script_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sieve_vacation_reply" (
    "account_id" INTEGER NOT NULL,
    "handle" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sieve_vacation_reply_pkey" PRIMARY KEY ("account_id","handle","sender")
);

-- CreateTable
CREATE TABLE "sieve_duplicate" (
    "account_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sieve_duplicate_pkey" PRIMARY KEY ("account_id","key")
);

-- CreateIndex
CREATE INDEX "sieve_script_account_id_active_idx" ON "sieve_script"("account_id", "active");

-- CreateIndex
CREATE UNIQUE INDEX "sieve_script_account_id_domain_id_place_name_key" ON "sieve_script"("account_id", "domain_id", "place", "name");

-- CreateIndex
CREATE INDEX "sieve_vacation_reply_until_idx" ON "sieve_vacation_reply"("until");

-- CreateIndex
CREATE INDEX "sieve_duplicate_until_idx" ON "sieve_duplicate"("until");

-- AddForeignKey
ALTER TABLE "sieve_script" ADD CONSTRAINT "sieve_script_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sieve_script" ADD CONSTRAINT "sieve_script_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sieve_vacation_reply" ADD CONSTRAINT "sieve_vacation_reply_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sieve_duplicate" ADD CONSTRAINT "sieve_duplicate_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
