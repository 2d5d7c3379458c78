-- AlterTable
ALTER TABLE "mailbox" ADD COLUMN     "recent_uid" INTEGER NOT NULL DEFAULT 0;

-- Messages stored before this column existed are not new to anybody (RFC 3501 2.3.2 \Recent).
UPDATE "mailbox" SET "recent_uid" = "uid_next" - 1;
