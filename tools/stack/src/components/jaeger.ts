import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Component } from '../component.js';
import { componentPaths, requireTool } from '../component.js';
import type { StackConfig } from '../config.js';
import { versions } from '../config.js';
import { runStep } from '../process.js';
import { httpOk } from '../readiness.js';
import { workspaceRoot } from '../workspace.js';

/**
 * Jaeger v2 all-in-one with in-memory storage, built from the Go module proxy by the
 * wrapper module in tools/jaeger. A source build has no UI assets; the HTTP query API
 * (/api/traces, /api/services) is what tests and the demo use.
 */
export function jaeger(config: StackConfig): Component {
  const paths = componentPaths(config, 'jaeger');
  const binary = path.join(config.cacheDir, 'bin', `jaeger-${versions.jaeger}`);
  const configFile = path.join(paths.dir, 'jaeger.yaml');

  return {
    name: 'jaeger',
    endpoint: `${config.endpoints.jaegerQueryUrl} (OTLP ${config.endpoints.otlpHttpUrl})`,
    startTimeoutMs: 30_000,

    async provision() {
      if (existsSync(binary)) return;
      const go = requireTool(
        'go',
        'Go 1.24+ (https://go.dev/doc/install or Debian: apt-get install golang)',
      );
      await runStep(
        'jaeger',
        `building Jaeger ${versions.jaeger} (v2) from the Go module proxy; the first build takes several minutes`,
        go,
        ['build', '-o', binary, 'github.com/jaegertracing/jaeger/cmd/jaeger'],
        {
          cwd: path.join(workspaceRoot(), 'tools', 'jaeger'),
          env: { ...process.env, GOFLAGS: '-mod=mod' },
          logFile: path.join(config.stateDir, 'logs', 'provision-jaeger.log'),
        },
      );
    },

    async prepare() {
      mkdirSync(paths.dir, { recursive: true });
      writeFileSync(configFile, jaegerConfig(config));
    },

    daemon: {
      name: 'jaeger',
      command: binary,
      args: ['--config', configFile],
      pidFile: paths.pidFile,
      logFile: paths.logFile,
      marker: `jaeger-${versions.jaeger}`,
    },

    ready: () => httpOk(`${config.endpoints.jaegerQueryUrl}/api/services`),
  };
}

function jaegerConfig({ host, ports }: StackConfig): string {
  return `# Written by the orderflow stack: Jaeger v2 all-in-one, in-memory, loopback only.
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: warn

extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: "${host}:${ports.jaegerQuery}"
    grpc:
      endpoint: "${host}:${ports.jaegerQuery + 1}"
  healthcheckv2:
    use_v2: true
    http:
      endpoint: "${host}:${ports.jaegerHealth}"

receivers:
  otlp:
    protocols:
      grpc:
        endpoint: "${host}:${ports.otlpGrpc}"
      http:
        endpoint: "${host}:${ports.otlpHttp}"

processors:
  batch:
    timeout: 200ms

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}
