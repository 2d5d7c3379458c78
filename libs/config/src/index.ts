export { CONFIG_VARIABLES, ROLES, type DnsListEntry, type Role } from './config.schema';
export { CLIENT_SERVICES, ConfigError, loadConfig, parseConfig, type ClientPorts, type ClientService, type DeliveryConfig, type ListenerConfig, type MailsteadConfig, type SmtpDefenceConfig } from './config';
