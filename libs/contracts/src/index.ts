export { healthReport, type HealthReport } from './health';
export * from './errors';
export * from './auth';
export * from './webmail';
export * from './admin';
export { apiRoutes, type ApiRoute } from './routes';
export * from './flags';
export * from './password-policy';
export * from './dns-zone';
