export { CONFIG_VARIABLES, ROLES, type Role } from './config.schema';
export { CLIENT_SERVICES, ConfigError, loadConfig, parseConfig, type ClientPorts, type ClientService, type DeliveryConfig, type ListenerConfig, type MailsteadConfig } from './config';
