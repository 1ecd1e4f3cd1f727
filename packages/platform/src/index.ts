export { startAllInOne, type Platform } from './all-in-one.ts';
export { loadConfig, type PlatformConfig } from './config.ts';
export { startEmbeddedPostgres } from './postgres.ts';
export { portPicker } from './split/ports.ts';
