/** Injection tokens the platform provides to every service module. */
export const DATA_SOURCE = Symbol.for('palisade.platform.data-source');
export const MESSAGE_BUS = Symbol.for('palisade.platform.message-bus');
export const LOGGER = Symbol.for('palisade.platform.logger');
export const METRICS = Symbol.for('palisade.platform.metrics');
export const SERVICE_CONFIG = Symbol.for('palisade.platform.config');
export const READINESS = Symbol.for('palisade.platform.readiness');
export const BLOB_STORE = Symbol.for('palisade.platform.blob-store');
export const PLATFORM_SETTINGS = Symbol.for('palisade.platform.settings');
