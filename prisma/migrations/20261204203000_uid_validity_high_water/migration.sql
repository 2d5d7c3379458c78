-- UIDVALIDITY strictly increasing per account forever (RFC 3501 2.3.1.1): the account keeps the
-- last value it handed out, so a mailbox deleted and created again in the same second no longer
-- gets the value it had. Values are nz-numbers up to 4,294,967,295 (RFC 3501 9): a bigint, where
-- an int of epoch seconds would overflow in 2038.
ALTER TABLE "account" ADD COLUMN "uid_validity_high" BIGINT NOT NULL DEFAULT 0;

ALTER TABLE "mailbox" ALTER COLUMN "uid_validity" SET DATA TYPE BIGINT;

UPDATE "account" a SET "uid_validity_high" = m.high
FROM (SELECT "account_id", max("uid_validity") AS high FROM "mailbox" GROUP BY "account_id") m
WHERE m."account_id" = a."id";
