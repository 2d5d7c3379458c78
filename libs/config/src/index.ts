export { CONFIG_VARIABLES, ROLES, type Role } from './config.schema';
export { ConfigError, loadConfig, parseConfig, type DeliveryConfig, type ListenerConfig, type MailsteadConfig } from './config';
