// Sieve (RFC 5228) parser and interpreter with its extensions: pure, no sockets, no database.
export {};
