import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// The OTLP protobuf schema as the OpenTelemetry JS packages ship it (protobufjs static code): what the proto exporter sends.
import otlpProto from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

/** Span kinds as OTLP numbers them. */
export const OTLP_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export type ReceivedSpan = {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
};

export type OtlpReceiver = { url: string; spans: ReceivedSpan[]; requests: number; close(): Promise<void> };

type AnyValue = {
  stringValue?: string | null;
  intValue?: number | { toNumber(): number } | null;
  doubleValue?: number | null;
  boolValue?: boolean | null;
};
type DecodedSpan = {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind: number;
  attributes?: { key: string; value?: AnyValue }[];
};
type DecodedRequest = {
  resourceSpans?: { resource?: { attributes?: { key: string; value?: AnyValue }[] }; scopeSpans?: { spans?: DecodedSpan[] }[] }[];
};

const exportRequest = (
  otlpProto as unknown as {
    opentelemetry: {
      proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { decode(bytes: Uint8Array): DecodedRequest } } } } };
    };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * A stand-in OpenTelemetry Collector: a plain HTTP server on a free port that
 * takes OTLP/HTTP protobuf exports at /v1/traces, decodes them and keeps every
 * span with the `service.name` of its resource.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver: OtlpReceiver = { url: '', spans: [], requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/x-protobuf') {
        res.writeHead(415).end();
        return;
      }
      receiver.requests += 1;
      const body = exportRequest.decode(Buffer.concat(chunks));
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
        for (const scope of resourceSpans.scopeSpans ?? [])
          for (const span of scope.spans ?? []) receiver.spans.push(receivedSpan(service, span));
      }
      // An empty ExportTraceServiceResponse: every span accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

function receivedSpan(service: string, span: DecodedSpan): ReceivedSpan {
  const hex = (bytes: Uint8Array | undefined) => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString('hex') : undefined);
  return {
    service,
    traceId: hex(span.traceId) ?? '',
    spanId: hex(span.spanId) ?? '',
    ...(hex(span.parentSpanId) ? { parentSpanId: hex(span.parentSpanId) } : {}),
    name: span.name,
    kind: span.kind,
    attributes: attributesOf(span.attributes),
  };
}

function attributesOf(attributes: { key: string; value?: AnyValue }[] | undefined): Record<string, string | number | boolean> {
  const values: Record<string, string | number | boolean> = {};
  for (const { key, value } of attributes ?? []) {
    // A oneof: protobufjs leaves the members that are not set null.
    if (value?.stringValue != null) values[key] = value.stringValue;
    else if (value?.boolValue != null) values[key] = value.boolValue;
    else if (value?.doubleValue != null) values[key] = value.doubleValue;
    else if (value?.intValue != null) values[key] = typeof value.intValue === 'number' ? value.intValue : value.intValue.toNumber();
  }
  return values;
}
