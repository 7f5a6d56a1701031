import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MetricNames } from '@orderflow/telemetry';
import { collectDefaultMetrics, Registry } from 'prom-client';

// Keeps the dashboard and the alert rules honest: every metric they query is one the
// services export (a rename in @orderflow/telemetry breaks this test), counters and
// histograms are only read through rate()/increase(), and every panel and alert carries
// what an operator needs (data source, unit, description; for, severity, summary).

const read = (...file: string[]) => readFileSync(path.join(__dirname, ...file), 'utf8');

// Series the assets may use besides MetricNames: prom-client's default metrics (checked
// against prom-client itself below) and the `up` series Prometheus adds per target.
const processMetrics = [
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
];
const prometheusSeries = ['up'];
const exported: readonly string[] = Object.values(MetricNames);
const histogramSuffixes = ['_bucket', '_count', '_sum'];

/** The metric a series name belongs to: itself, or the histogram it is a part of. */
function metricOf(series: string): string | undefined {
  if (exported.includes(series) || processMetrics.includes(series)) return series;
  if (prometheusSeries.includes(series)) return series;
  const suffix = histogramSuffixes.find((s) => series.endsWith(s));
  const base = suffix ? series.slice(0, -suffix.length) : undefined;
  return base && exported.includes(base) && !base.endsWith('_total') ? base : undefined;
}

const keywords = new Set(
  'and or unless by without on ignoring group_left group_right offset bool inf nan'.split(' '),
);

type Reference = { series: string; wrappedIn: string | undefined };

/**
 * The series names a PromQL expression reads, each with the function or aggregation
 * directly around it. Enough PromQL for these assets: string literals, label matchers,
 * range selectors, grouping clauses and Grafana variables are dropped first, then every
 * identifier not followed by "(" and not a keyword is a series name.
 */
function seriesIn(expr: string): Reference[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '');
  const found: Reference[] = [];
  for (const match of bare.matchAll(/(?<![\w:.])[A-Za-z_:][\w:]*(?![\w:])/g)) {
    const name = match[0];
    const after = bare.slice(match.index + name.length);
    if (/^\s*\(/.test(after) || keywords.has(name.toLowerCase())) continue;
    const before = bare.slice(0, match.index);
    found.push({ series: name, wrappedIn: /(\w+)\s*\(\s*$/.exec(before)?.[1] });
  }
  return found;
}

function expectValidQuery(expr: string, where: string) {
  const references = seriesIn(expr);
  expect({ where, expr, references: references.length > 0 }).toEqual({
    where,
    expr,
    references: true,
  });
  for (const { series, wrappedIn } of references) {
    const context = `${where}: ${series} in ${expr}`;
    expect({ context, known: metricOf(series) !== undefined }).toEqual({ context, known: true });
    // A histogram's _sum and _count are counters too.
    const cumulative = ['_total', ...histogramSuffixes].some((suffix) => series.endsWith(suffix));
    const rated = wrappedIn === 'rate' || wrappedIn === 'increase';
    // Counters and buckets only through rate()/increase(); gauges never.
    expect({ context, rated }).toEqual({ context, rated: cumulative });
  }
  if (expr.includes('_bucket')) {
    const quantile = /^histogram_quantile\(0?\.\d+, sum by \(le\b/.test(expr);
    expect({ where, expr, quantile }).toEqual({ where, expr, quantile: true });
  }
  // Parentheses balance (a cheap syntax check without promtool).
  let depth = 0;
  for (const c of expr.replace(/"(?:[^"\\]|\\.)*"/g, '')) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect({ where, depth }).toEqual({ where, depth: 0 });
}

// ---------------------------------------------------------------- dashboard

type Target = { expr?: string; refId?: string; datasource?: { type?: string; uid?: string } };
type Panel = {
  id: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
  panels?: Panel[];
};
type Variable = {
  name: string;
  type: string;
  query?: string | { query?: string };
  multi?: boolean;
};
type Dashboard = {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
};

const dashboard = JSON.parse(read('grafana', 'dashboards', 'orderflow.json')) as Dashboard;
const allPanels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const panels = allPanels.filter((p) => p.type !== 'row');
const dashboardExprs = panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ where: p.title ?? String(p.id), expr: t.expr ?? '' })),
);
const prometheusDatasource = { type: 'prometheus', uid: '${datasource}' };

describe('the Grafana dashboard', () => {
  it('is a current schema with a Prometheus data source variable and a multi-value service variable', () => {
    expect(dashboard.uid).toBe('orderflow');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables['datasource']).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const service = variables['service'];
    expect(service).toMatchObject({ type: 'query', multi: true });
    const query = typeof service?.query === 'string' ? service.query : service?.query?.query;
    const labelValues = /^label_values\((.+),\s*service\)$/.exec(query ?? '');
    expect(labelValues).not.toBeNull();
    expectValidQuery(labelValues![1]!, 'variable service');
  });

  it('gives every panel a title, description, unit, data source and a query', () => {
    expect(panels.length).toBeGreaterThanOrEqual(20);
    for (const p of panels) {
      const where = `panel ${p.id} "${p.title}"`;
      expect({ where, title: !!p.title?.trim() }).toEqual({ where, title: true });
      expect({ where, description: !!p.description?.trim() }).toEqual({ where, description: true });
      expect({ where, unit: !!p.fieldConfig?.defaults?.unit }).toEqual({ where, unit: true });
      expect({ where, datasource: p.datasource }).toEqual({
        where,
        datasource: prometheusDatasource,
      });
      expect({ where, targets: (p.targets ?? []).length > 0 }).toEqual({ where, targets: true });
      for (const t of p.targets ?? []) {
        expect({ where, expr: !!t.expr?.trim(), refId: !!t.refId }).toEqual({
          where,
          expr: true,
          refId: true,
        });
        expect({ where, datasource: t.datasource }).toEqual({
          where,
          datasource: prometheusDatasource,
        });
      }
      const g = p.gridPos!;
      expect({ where, fits: g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0 }).toEqual({
        where,
        fits: true,
      });
    }
    const ids = allPanels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has the Saga, HTTP, Outbox relay, Consumers, Throughput, Notifications and Process rows', () => {
    expect(allPanels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual([
      'Saga',
      'HTTP (RED)',
      'Outbox relay',
      'Consumers',
      'Throughput and overload',
      'Notifications',
      'Process',
    ]);
  });

  it('queries only exported metrics, filtered by the service variable', () => {
    for (const { where, expr } of dashboardExprs) {
      expectValidQuery(expr, where);
      for (const { series } of seriesIn(expr)) {
        const selector = new RegExp(`\\b${series}\\{[^}]*service=~"\\$service"[^}]*\\}`);
        expect({ where, expr, filtered: selector.test(expr) }).toEqual({
          where,
          expr,
          filtered: true,
        });
      }
    }
  });

  it('shows every metric the services export', () => {
    const used = new Set(
      dashboardExprs.flatMap(({ expr }) => seriesIn(expr).map((r) => metricOf(r.series))),
    );
    expect([...exported, ...processMetrics].filter((m) => !used.has(m))).toEqual([]);
  });
});

// ---------------------------------------------------------------- alert rules

type AlertRule = {
  alert: string;
  expr?: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

const indentOf = (line: string) => line.length - line.trimStart().length;
const unquote = (value: string) => value.replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1');

/**
 * Just enough YAML for a Prometheus rule file written in block style: `- alert:` starts
 * a rule; its keys (expr, for, labels, annotations) sit two columns further in; labels
 * and annotations hold one level of scalars; `|` and `>` block scalars are folded in.
 */
function parseAlertRules(text: string): AlertRule[] {
  const lines = text.split('\n');
  const rules: AlertRule[] = [];
  let rule: AlertRule | undefined;
  let keyIndent = 0;
  let section: 'labels' | 'annotations' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const start = /^(\s*)- alert:\s*(\S+)\s*$/.exec(line);
    if (start) {
      rule = { alert: start[2]!, labels: {}, annotations: {} };
      rules.push(rule);
      keyIndent = start[1]!.length + 2;
      section = undefined;
      continue;
    }
    const key = /^(\s*)([A-Za-z_]\w*):\s*(.*)$/.exec(line);
    if (!rule || !key || key[1]!.length < keyIndent) {
      if (indentOf(line) < keyIndent) rule = undefined;
      continue;
    }
    const indent = key[1]!.length;
    let value = key[3]!.trim();
    if (/^[|>][-+]?$/.test(value)) {
      const block: string[] = [];
      while (i + 1 < lines.length && (!lines[i + 1]!.trim() || indentOf(lines[i + 1]!) > indent)) {
        block.push(lines[++i]!.trim());
      }
      value = block.join(value.startsWith('>') ? ' ' : '\n').trim();
    }
    value = unquote(value);
    if (indent === keyIndent) {
      section = undefined;
      if (key[2] === 'labels' || key[2] === 'annotations') section = key[2];
      else if (key[2] === 'expr' || key[2] === 'for') rule[key[2]] = value;
    } else if (section) {
      rule[section][key[2]!] = value;
    }
  }
  return rules;
}

const alertsText = read('prometheus', 'alerts.yml');
const rules = parseAlertRules(alertsText);

describe('the Prometheus alert rules', () => {
  it('are all read by the parser', () => {
    expect(alertsText).not.toMatch(/\t/);
    expect(alertsText).toMatch(/^groups:\n/m);
    expect(rules).toHaveLength(alertsText.match(/^\s*- alert:/gm)!.length);
    expect(rules.filter((r) => r.expr)).toHaveLength(alertsText.match(/^\s*expr:/gm)!.length);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('each have an expression, a for duration, a severity and a summary and description', () => {
    for (const r of rules) {
      const present = (value: string | undefined) => !!value?.trim();
      expect({
        alert: r.alert,
        expr: present(r.expr),
        for: /^\d+[smh]$/.test(r.for ?? ''),
        severity: ['warning', 'critical'].includes(r.labels['severity'] ?? ''),
        summary: present(r.annotations['summary']),
        description: present(r.annotations['description']),
      }).toEqual({
        alert: r.alert,
        expr: true,
        for: true,
        severity: true,
        summary: true,
        description: true,
      });
    }
  });

  it('query only exported metrics, counters and histograms through rate() or increase()', () => {
    for (const r of rules) expectValidQuery(r.expr!, r.alert);
  });

  it('cover dead letters, the outbox relay, the saga, HTTP errors, notifications and retries', () => {
    const required: Record<string, string> = {
      OrderflowMessagesDeadLettered: 'warning',
      OrderflowOutboxBacklogHigh: 'critical',
      OrderflowOutboxMessagesStale: 'critical',
      OrderflowOutboxNoRelayLeader: 'critical',
      OrderflowLongRunningTransaction: 'warning',
      OrderflowSagaFailureRateHigh: 'warning',
      OrderflowSagaSlow: 'warning',
      OrderflowHttp5xxRatioHigh: 'warning',
      OrderflowNotificationSendFailures: 'warning',
      OrderflowConsumerRetriesSpiking: 'warning',
    };
    const severities = Object.fromEntries(
      Object.keys(required).map((alert) => [
        alert,
        rules.find((r) => r.alert === alert)?.labels['severity'],
      ]),
    );
    expect(severities).toEqual(required);
    const expr = (name: string) => rules.find((r) => r.alert === name)?.expr;
    expect(expr('OrderflowOutboxNoRelayLeader')).toBe(
      'max by (service) (outbox_relay_leader) == 0',
    );
    expect(expr('OrderflowMessagesDeadLettered')).toContain(
      'increase(consumer_messages_total{outcome="dead_lettered"}[10m])',
    );
  });
});

// ---------------------------------------------------------------- wiring

describe('the Prometheus and Grafana configuration', () => {
  const prometheus = read('prometheus', 'prometheus.yml');

  it('scrapes the four services every 15 s and loads the alert rules', () => {
    expect(prometheus).toMatch(/^rule_files:\n\s+- alerts\.yml$/m);
    expect(prometheus).toMatch(/^\s+metrics_path: \/metrics$/m);
    expect(prometheus).toMatch(/^\s+scrape_interval: 15s$/m);
    const targets = [...prometheus.matchAll(/targets: \['([\w.-]+:\d+)'\]/g)].map((m) => m[1]);
    expect(targets).toEqual([
      'orders:8080',
      'payments:8080',
      'shipping:8080',
      'notifications:8080',
    ]);
  });

  it('uses the scrape job name the dashboard and the alerts filter on', () => {
    const job = /job_name: (\S+)/.exec(prometheus)?.[1];
    const filters = [...rules.map((r) => r.expr!), ...dashboardExprs.map((e) => e.expr)]
      .concat(JSON.stringify(dashboard.templating))
      .flatMap((e) => [...e.matchAll(/job=\\?"([^"\\]+)\\?"/g)].map((m) => m[1]));
    expect(filters.length).toBeGreaterThan(0);
    expect(new Set(filters)).toEqual(new Set([job]));
  });

  it('provisions a Prometheus data source and the dashboard folder', () => {
    expect(read('grafana', 'provisioning', 'datasources', 'prometheus.yml')).toMatch(
      /^\s+type: prometheus$/m,
    );
    expect(read('grafana', 'provisioning', 'dashboards', 'orderflow.yml')).toMatch(
      /^\s+type: file$/m,
    );
  });
});

describe('prom-client', () => {
  it('still exports the default metrics the dashboard shows', () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const names = registry.getMetricsAsArray().map((m) => m.name);
    registry.clear();
    expect(names).toEqual(expect.arrayContaining(processMetrics));
  });
});
