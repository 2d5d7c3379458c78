export { hashPassword, verifyPassword, generatePassword } from './password';
export { LoginThrottle, type ThrottleLimits, type ThrottleVerdict } from './login-throttle';
export { Authenticator, type AuthAttempt, type AuthFailure, type AuthProtocol, type AuthResult } from './authenticator';
export { createAppPassword } from './app-passwords';
export { VerifiedCredentialCache } from './verified-credential-cache';
export { isLoopbackAddress, passwordsAllowed, type ConnectionSecurity } from './connection-security';
export { decodeSaslPlain, decodeBase64, proxiesAnotherUser, MAX_SASL_PLAIN_RESPONSE, type SaslPlainResult } from './sasl-plain';
