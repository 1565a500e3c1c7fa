import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@palisade/platform';
import { gatewaySettings, type GatewaySettings } from '../../gateway.config';

/** The gateway's parsed settings, injected into the package services. */
export const GATEWAY_SETTINGS = Symbol.for('palisade.gateway.packages.settings');

export const gatewaySettingsProvider: Provider = {
  provide: GATEWAY_SETTINGS,
  useFactory: (config: Readonly<Record<string, unknown>>): GatewaySettings => gatewaySettings(config),
  inject: [SERVICE_CONFIG],
};
