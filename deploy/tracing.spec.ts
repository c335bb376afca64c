import { loadConfig } from '../platform/config/config.ts';
import {
  type ConfigMap,
  composeCommand,
  composeDependencies,
  composeEnvironment,
  type Deployment,
  loadCompose,
  loadManifests,
  ofKind,
  roleOfEntry,
  type Service,
  serviceSelecting,
} from './manifests.ts';

/**
 * Where traces go when the system is deployed (issue 24, D6): a Jaeger
 * all-in-one receiving OTLP/HTTP in docker-compose.yml and in
 * deploy/k8s/tracing/, and every service pointed at it. Checked by parsing
 * (no container engine runs here); test/tracing.spec.ts proves that what the
 * services send is one trace per request.
 */
const OTLP_HTTP_PORT = 4318;
const JAEGER_UI_PORT = 16686;

describe('traces in docker-compose.yml', () => {
  const services = loadCompose().services;
  const [collectorName, collector] = Object.entries(services).find(([, service]) => service.image?.startsWith('jaegertracing/jaeger:'))!;
  const nodeServices = Object.entries(services).filter(([, service]) => {
    const command = composeCommand(service);
    return command[0] === 'node' && roleOfEntry(command[1]) !== undefined;
  });

  it('runs a Jaeger that receives OTLP/HTTP on the compose network and shows its UI on this machine only', () => {
    expect(collector.image).toMatch(/^jaegertracing\/jaeger:2\.\d+\.\d+$/);
    expect((collector as { expose?: string[] }).expose).toEqual([String(OTLP_HTTP_PORT)]);
    expect(collector.ports).toEqual([`127.0.0.1:${JAEGER_UI_PORT}:${JAEGER_UI_PORT}`]);
  });

  it('points the router and every subgraph at it, with a value the settings accept, and lets none wait for it', () => {
    expect(nodeServices.length).toBeGreaterThan(1);
    for (const [name, service] of nodeServices) {
      const endpoint = composeEnvironment(service).OTEL_EXPORTER_OTLP_ENDPOINT;
      expect({ name, endpoint }).toEqual({ name, endpoint: `http://${collectorName}:${OTLP_HTTP_PORT}` });
      expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).otelExporterOtlpEndpoint).toBe(endpoint);
      // Tracing that is away costs spans, never a start.
      expect(Object.keys(composeDependencies(service))).not.toContain(collectorName);
      // Each container names itself after its service (OTEL_SERVICE_NAME's default), so none sets it.
      expect(composeEnvironment(service).OTEL_SERVICE_NAME).toBeUndefined();
    }
  });
});

describe('traces in Kubernetes', () => {
  const configMaps = ofKind<ConfigMap>(
    loadManifests('deploy/k8s').flatMap((file) => file.objects),
    'ConfigMap',
  );
  const tracing = loadManifests('deploy/k8s/tracing').flatMap((file) => file.objects);
  const [jaeger] = ofKind<Deployment>(tracing, 'Deployment');
  const services = ofKind<Service>(tracing, 'Service');

  it("points every service (through the ConfigMap they all load) at the tracing folder's Service, on OTLP/HTTP", () => {
    const endpoint = configMaps.map((map) => map.data.OTEL_EXPORTER_OTLP_ENDPOINT).find(Boolean)!;
    const url = new URL(endpoint);
    const service = services.find((candidate) => candidate.metadata.name === url.hostname)!;
    expect(service).toBeDefined();
    expect(Number(url.port)).toBe(OTLP_HTTP_PORT);
    expect(serviceSelecting(services, jaeger!)).toBe(service);
    const container = jaeger!.spec.template.spec.containers[0]!;
    const port = service.spec.ports.find((entry) => entry.port === OTLP_HTTP_PORT)!;
    expect(container.ports?.find((entry) => entry.name === port.targetPort || entry.containerPort === port.targetPort)?.containerPort).toBe(
      OTLP_HTTP_PORT,
    );
  });

  it('runs the same Jaeger as compose, in the namespace, with resources, probes and no public Service', () => {
    const composeImage = Object.values(loadCompose().services).find((service) => service.image?.startsWith('jaegertracing/jaeger:'))!.image;
    const container = jaeger!.spec.template.spec.containers[0]!;
    expect(container.image).toBe(composeImage);
    for (const object of tracing) expect(object.metadata.namespace).toBe('commerce');
    expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.readinessProbe?.httpGet).toBeDefined();
    expect(jaeger!.spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
    for (const service of services) expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
  });
});
