-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "AccountRole" AS ENUM ('admin', 'domain_admin', 'user');

-- CreateEnum
CREATE TYPE "ListPolicy" AS ENUM ('open', 'members', 'moderated');

-- CreateEnum
CREATE TYPE "ListReplyTo" AS ENUM ('list', 'sender');

-- CreateEnum
CREATE TYPE "ModerationStatus" AS ENUM ('pending', 'approved', 'rejected');

-- CreateEnum
CREATE TYPE "OutboundStatus" AS ENUM ('queued', 'sending', 'deferred', 'delivered', 'failed');

-- CreateEnum
CREATE TYPE "RecipientStatus" AS ENUM ('pending', 'delivered', 'deferred', 'failed');

-- CreateTable
CREATE TABLE "domain" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "dkim_selector" TEXT,
    "dkim_private_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "domain_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account" (
    "id" SERIAL NOT NULL,
    "domain_id" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "address_key" TEXT NOT NULL,
    "display_name" TEXT,
    "password_hash" TEXT NOT NULL,
    "role" "AccountRole" NOT NULL DEFAULT 'user',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "quota_bytes" BIGINT NOT NULL DEFAULT 0,
    "used_bytes" BIGINT NOT NULL DEFAULT 0,
    "totp_secret" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "domain_admin" (
    "account_id" INTEGER NOT NULL,
    "domain_id" INTEGER NOT NULL,

    CONSTRAINT "domain_admin_pkey" PRIMARY KEY ("account_id","domain_id")
);

-- CreateTable
CREATE TABLE "app_password" (
    "id" SERIAL NOT NULL,
    "account_id" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "app_password_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alias" (
    "id" SERIAL NOT NULL,
    "domain_id" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "destinations" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alias_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mailing_list" (
    "id" SERIAL NOT NULL,
    "domain_id" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "policy" "ListPolicy" NOT NULL DEFAULT 'members',
    "reply_to" "ListReplyTo" NOT NULL DEFAULT 'list',
    "subject_prefix" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mailing_list_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "list_member" (
    "list_id" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "list_member_pkey" PRIMARY KEY ("list_id","address")
);

-- CreateTable
CREATE TABLE "moderation_item" (
    "id" SERIAL NOT NULL,
    "list_id" INTEGER NOT NULL,
    "blob_id" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "status" "ModerationStatus" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "moderation_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mailbox" (
    "id" SERIAL NOT NULL,
    "account_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "special_use" TEXT,
    "uid_validity" INTEGER NOT NULL,
    "uid_next" INTEGER NOT NULL DEFAULT 1,
    "highest_modseq" BIGINT NOT NULL DEFAULT 1,
    "subscribed" BOOLEAN NOT NULL DEFAULT true,
    "message_count" INTEGER NOT NULL DEFAULT 0,
    "unseen_count" INTEGER NOT NULL DEFAULT 0,
    "total_size" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mailbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message" (
    "id" BIGSERIAL NOT NULL,
    "mailbox_id" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "modseq" BIGINT NOT NULL,
    "email_id" BIGINT NOT NULL,
    "thread_id" BIGINT NOT NULL,
    "seen" BOOLEAN NOT NULL DEFAULT false,
    "answered" BOOLEAN NOT NULL DEFAULT false,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "draft" BOOLEAN NOT NULL DEFAULT false,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "internal_date" TIMESTAMPTZ(3) NOT NULL,
    "size" INTEGER NOT NULL,
    "blob_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "from_address" TEXT NOT NULL DEFAULT '',
    "from_name" TEXT NOT NULL DEFAULT '',
    "to_addresses" TEXT NOT NULL DEFAULT '',
    "cc_addresses" TEXT NOT NULL DEFAULT '',
    "sent_date" TIMESTAMPTZ(3),
    "message_id_hdr" TEXT,
    "in_reply_to" TEXT,
    "references" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "has_attachments" BOOLEAN NOT NULL DEFAULT false,
    "preview" TEXT NOT NULL DEFAULT '',
    "headers" JSONB NOT NULL,
    "envelope" JSONB NOT NULL,
    "body_structure" JSONB NOT NULL,
    "search_vector" tsvector,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "expunged" (
    "mailbox_id" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "modseq" BIGINT NOT NULL,
    "expunged_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "expunged_pkey" PRIMARY KEY ("mailbox_id","uid")
);

-- CreateTable
CREATE TABLE "blob" (
    "id" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbound" (
    "id" BIGSERIAL NOT NULL,
    "blob_id" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "status" "OutboundStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "dsn_envelope_id" TEXT,
    "dsn_return" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbound_recipient" (
    "id" BIGSERIAL NOT NULL,
    "outbound_id" BIGINT NOT NULL,
    "address" TEXT NOT NULL,
    "status" "RecipientStatus" NOT NULL DEFAULT 'pending',
    "notify" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "orcpt" TEXT,
    "smtp_code" INTEGER,
    "response" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_recipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "details" JSONB,
    "ip" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "domain_name_key" ON "domain"("name");

-- CreateIndex
CREATE UNIQUE INDEX "account_address_key_key" ON "account"("address_key");

-- CreateIndex
CREATE INDEX "account_domain_id_idx" ON "account"("domain_id");

-- CreateIndex
CREATE INDEX "app_password_account_id_idx" ON "app_password"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "alias_source_key" ON "alias"("source");

-- CreateIndex
CREATE INDEX "alias_domain_id_idx" ON "alias"("domain_id");

-- CreateIndex
CREATE UNIQUE INDEX "mailing_list_address_key" ON "mailing_list"("address");

-- CreateIndex
CREATE INDEX "mailing_list_domain_id_idx" ON "mailing_list"("domain_id");

-- CreateIndex
CREATE INDEX "moderation_item_list_id_status_idx" ON "moderation_item"("list_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "mailbox_account_id_name_key" ON "mailbox"("account_id", "name");

-- CreateIndex
CREATE INDEX "message_mailbox_id_modseq_idx" ON "message"("mailbox_id", "modseq");

-- CreateIndex
CREATE INDEX "message_mailbox_id_internal_date_idx" ON "message"("mailbox_id", "internal_date");

-- CreateIndex
CREATE INDEX "message_mailbox_id_seen_idx" ON "message"("mailbox_id", "seen");

-- CreateIndex
CREATE INDEX "message_thread_id_idx" ON "message"("thread_id");

-- CreateIndex
CREATE INDEX "message_message_id_hdr_idx" ON "message"("message_id_hdr");

-- CreateIndex
CREATE INDEX "message_blob_id_idx" ON "message"("blob_id");

-- CreateIndex
CREATE INDEX "message_search_vector_idx" ON "message" USING GIN ("search_vector");

-- CreateIndex
CREATE UNIQUE INDEX "message_mailbox_id_uid_key" ON "message"("mailbox_id", "uid");

-- CreateIndex
CREATE INDEX "expunged_mailbox_id_modseq_idx" ON "expunged"("mailbox_id", "modseq");

-- CreateIndex
CREATE INDEX "outbound_status_next_attempt_at_idx" ON "outbound"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "outbound_domain_idx" ON "outbound"("domain");

-- CreateIndex
CREATE INDEX "outbound_recipient_outbound_id_idx" ON "outbound_recipient"("outbound_id");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- CreateIndex
CREATE INDEX "audit_log_action_idx" ON "audit_log"("action");

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "domain_admin" ADD CONSTRAINT "domain_admin_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "domain_admin" ADD CONSTRAINT "domain_admin_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_password" ADD CONSTRAINT "app_password_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alias" ADD CONSTRAINT "alias_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mailing_list" ADD CONSTRAINT "mailing_list_domain_id_fkey" FOREIGN KEY ("domain_id") REFERENCES "domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "list_member" ADD CONSTRAINT "list_member_list_id_fkey" FOREIGN KEY ("list_id") REFERENCES "mailing_list"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "moderation_item" ADD CONSTRAINT "moderation_item_list_id_fkey" FOREIGN KEY ("list_id") REFERENCES "mailing_list"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "moderation_item" ADD CONSTRAINT "moderation_item_blob_id_fkey" FOREIGN KEY ("blob_id") REFERENCES "blob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mailbox" ADD CONSTRAINT "mailbox_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_mailbox_id_fkey" FOREIGN KEY ("mailbox_id") REFERENCES "mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_blob_id_fkey" FOREIGN KEY ("blob_id") REFERENCES "blob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "expunged" ADD CONSTRAINT "expunged_mailbox_id_fkey" FOREIGN KEY ("mailbox_id") REFERENCES "mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbound" ADD CONSTRAINT "outbound_blob_id_fkey" FOREIGN KEY ("blob_id") REFERENCES "blob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbound_recipient" ADD CONSTRAINT "outbound_recipient_outbound_id_fkey" FOREIGN KEY ("outbound_id") REFERENCES "outbound"("id") ON DELETE CASCADE ON UPDATE CASCADE;
