-- Mailbox names are kept in Unicode NFC (RFC 9051 5.1: names SHOULD be Net-Unicode, RFC 5198);
-- the store now normalises every name it is given. Names stored before in another form are
-- rewritten, unless the NFC form already exists for that account (left alone rather than merged).
UPDATE mailbox m SET name = normalize(m.name, NFC)
WHERE m.name IS NOT NFC NORMALIZED
  AND NOT EXISTS (SELECT 1 FROM mailbox o WHERE o.account_id = m.account_id AND o.name = normalize(m.name, NFC));
