/** Injection tokens: explicit, so DI works without emitted decorator metadata (tsx/esbuild). */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const STORE = Symbol('STORE');
export const REDIS = Symbol('REDIS');
export const CHANGE_FEED = Symbol('CHANGE_FEED');
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
export const TLS = Symbol('TLS');
