export { Pop3Server, type Pop3ServerOptions } from './pop3-server';
export type { Pop3Limits } from './session';
export type { Pop3Logger, Pop3Services } from './command';
export { storeMailStore, RedisWireSizeCache, type Pop3MailStore, type Pop3Snapshot, type WireSizeCache } from './mail-store';
export { RedisMaildropLock, RedisLoginDelayGate, type MaildropLock, type MaildropLease, type LoginDelayGate } from './maildrop-lock';
export { LineReader, parseCommandLine } from './line-reader';
export { toWireMessage, wireSize, dotStuff, undotStuff, topOfMessage } from './wire';
