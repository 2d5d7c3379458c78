// ManageSieve (RFC 5804) server: scripts through the application's SieveScriptStore.
export { ManageSieveServer, type ManageSieveServerOptions } from './managesieve-server';
export type { ManageSieveLimits } from './session';
export type { ManageSieveLogger, ManageSieveServices } from './command';
export type { SieveScriptStore, ScriptStoreOutcome, ScriptStoreRefusal } from './script-store';
export type { ResponseCode } from './responses';
export { CommandReader, type ReadItem, type Token } from './command-reader';
