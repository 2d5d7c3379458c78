// ManageSieve (RFC 5804) server: scripts over the store, compiled by libs/sieve.
export {};
