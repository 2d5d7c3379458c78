export { healthReport, type HealthReport } from './health';
