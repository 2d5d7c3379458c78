-- AlterTable
ALTER TABLE "message" ADD COLUMN     "search_body" TEXT,
ADD COLUMN     "search_header" TEXT;
