/**
 * A Jaeger trace as a tree of spans, with the SQL spans folded into a count on the
 * span that issued them: an order's trace has dozens of queries, and what a reader
 * wants first is the path across the services.
 */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags?: { key: string; value: unknown }[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

export interface SpanNode {
  spanId: string;
  service: string;
  name: string;
  /** Microseconds since the start of the trace. */
  offsetUs: number;
  durationUs: number;
  /** SQL spans under this one, folded. */
  sql: { count: number; durationUs: number };
  error: boolean;
  children: SpanNode[];
}

const tag = (span: JaegerSpan, key: string) => span.tags?.find((t) => t.key === key)?.value;

export function isSql(span: JaegerSpan): boolean {
  return tag(span, 'db.system') === 'postgresql' || tag(span, 'db.system.name') === 'postgresql';
}

/** The roots of the trace (usually one), children in start order. */
export function spanTree(trace: JaegerTrace): SpanNode[] {
  const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const parentOf = (s: JaegerSpan) => {
    const ref = s.references?.find((r) => r.refType === 'CHILD_OF') ?? s.references?.[0];
    return ref && byId.has(ref.spanID) ? ref.spanID : undefined;
  };
  const nodes = new Map<string, SpanNode>();
  for (const s of trace.spans) {
    if (isSql(s)) continue;
    nodes.set(s.spanID, {
      spanId: s.spanID,
      service: trace.processes[s.processID]?.serviceName ?? s.processID,
      name: s.operationName,
      offsetUs: s.startTime - start,
      durationUs: s.duration,
      sql: { count: 0, durationUs: 0 },
      error: tag(s, 'error') === true || tag(s, 'otel.status_code') === 'ERROR',
      children: [],
    });
  }
  /** The nearest ancestor that is not SQL (SQL spans may nest: connect, then query). */
  const shownAncestor = (s: JaegerSpan): SpanNode | undefined => {
    for (let id = parentOf(s); id !== undefined;) {
      const node = nodes.get(id);
      if (node) return node;
      const parent = byId.get(id);
      id = parent && parentOf(parent);
    }
    return undefined;
  };
  const roots: SpanNode[] = [];
  for (const s of trace.spans) {
    const parent = shownAncestor(s);
    if (isSql(s)) {
      if (parent) {
        parent.sql.count += 1;
        parent.sql.durationUs += s.duration;
      }
      continue;
    }
    const node = nodes.get(s.spanID)!;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: SpanNode[]) => {
    list.sort((a, b) => a.offsetUs - b.offsetUs);
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

export function formatDuration(us: number): string {
  if (us < 1_000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

/** One line per span, indented by depth: start offset, duration, service, operation. */
export function renderSpanTree(roots: SpanNode[]): string[] {
  const lines: string[] = [];
  const walk = (node: SpanNode, depth: number) => {
    const sql = node.sql.count
      ? `  [${node.sql.count} SQL ${node.sql.count === 1 ? 'span' : 'spans'}, ${formatDuration(node.sql.durationUs)}]`
      : '';
    lines.push(
      `${`+${formatDuration(node.offsetUs)}`.padStart(11)} ${formatDuration(node.durationUs).padStart(9)}  ` +
        `${'  '.repeat(depth)}${node.service}: ${node.name}${node.error ? '  ✗ error' : ''}${sql}`,
    );
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines;
}

export function countSpans(roots: SpanNode[]): { spans: number; sql: number; services: string[] } {
  let spans = 0;
  let sql = 0;
  const services = new Set<string>();
  const walk = (n: SpanNode) => {
    spans += 1;
    sql += n.sql.count;
    services.add(n.service);
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  return { spans, sql, services: [...services] };
}
