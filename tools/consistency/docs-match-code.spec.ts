import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeConfig } from '@palisade/config';
import { serviceConfigDefinition, type ServiceDefinition } from '@palisade/platform';
import { gatewayService } from '../../services/gateway/src/gateway.service';
import { ingestService } from '../../services/ingest/src/ingest.service';
import { promotionService } from '../../services/promotion/src/promotion.service';
import { recallService } from '../../services/recall/src/recall.service';
import { scanningService } from '../../services/scanning/src/scanning.service';
import { signingService } from '../../services/signing/src/signing.service';
import { embeddedConfig } from '../../apps/embedded/src/embedded.config';

// Docs and deployment files must match what the code reads: a variable the README does not
// document, or a manifest that sets a port the service does not read, fails here.
const root = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');
const services: ServiceDefinition[] = [gatewayService, ingestService, scanningService, signingService, promotionService, recallService];

describe('docs and deployment match the code', () => {
  const readme = read('README.md');

  it.each(services.map((s) => [s.name, s] as const))('the README documents every variable %s reads, with its default', (_name, service) => {
    for (const row of describeConfig(serviceConfigDefinition(service))) {
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${row.name}\` |`));
      expect({ variable: row.name, documented: line !== undefined }).toEqual({ variable: row.name, documented: true });
      if (row.default !== undefined) expect(line).toContain(`\`${row.default}\``);
      if (row.secret) expect(line).toMatch(/\| yes \|/);
    }
  });

  it('the README documents every variable of the embedded mode', () => {
    for (const row of describeConfig(embeddedConfig)) expect(readme).toContain(`| \`${row.name}\` |`);
  });

  it('gives each service its own port', () => {
    const ports = services.map((s) => s.port.default);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it.each(services.map((s) => [s.name, s] as const))('the Kubernetes manifest and compose file run %s on the port variable it reads', (name, service) => {
    const manifest = read(`deploy/k8s/services/${name}.yaml`);
    expect(manifest).toContain(`{ name: SERVICE, value: ${name} }`);
    expect(manifest).toContain(`{ name: ${service.port.variable}, value: "${service.port.default}" }`);
    expect(manifest).toContain(`containerPort: ${service.port.default}`);
    expect(read('deploy/k8s/kustomization.yaml')).toContain(`services/${name}.yaml`);
    expect(read('docker-compose.yml')).toContain(`SERVICE: ${name}, ${service.port.variable}: "${service.port.default}"`);
  });
});
