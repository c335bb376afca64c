import { isSpanContextValid, trace } from '@opentelemetry/api';
import { currentRequestScope } from '../runtime/request-scope.ts';

export type TraceIds = { trace_id: string; span_id: string };

/**
 * The trace and span a log line belongs to: the active OpenTelemetry span's
 * (whatever tracer made it active), else the ids the request scope carries
 * (the tracer that stores them there, tracing.ts). Undefined outside a trace.
 */
export function currentTraceIds(): TraceIds | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (context && isSpanContextValid(context)) return { trace_id: context.traceId, span_id: context.spanId };
  const scope = currentRequestScope();
  if (scope?.traceId && scope.spanId) return { trace_id: scope.traceId, span_id: scope.spanId };
  return undefined;
}
