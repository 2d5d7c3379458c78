-- AlterTable
ALTER TABLE "domain" ADD COLUMN     "require_totp" BOOLEAN NOT NULL DEFAULT false;
