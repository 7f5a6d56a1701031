import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Component } from '../component.js';
import { componentPaths } from '../component.js';
import type { StackConfig } from '../config.js';
import { typeScriptEntry } from '../process.js';
import { httpOk } from '../readiness.js';
import { workspaceRoot } from '../workspace.js';

/**
 * The SMTP sink the notifications service sends to (tools/stack/src/mail-sink.ts):
 * SMTP for the service, a Mailpit-compatible HTTP API for tests and the demo.
 */
export function mail(config: StackConfig): Component {
  const paths = componentPaths(config, 'mail');
  const { host, ports } = config;
  const root = workspaceRoot();

  return {
    name: 'mail',
    endpoint: `smtp://${host}:${ports.smtp} (messages ${config.endpoints.mailApiUrl}/api/v1/messages)`,
    startTimeoutMs: 20_000,
    provision: () => Promise.resolve(),
    prepare() {
      mkdirSync(paths.dir, { recursive: true });
      return Promise.resolve();
    },
    daemon: {
      name: 'mail',
      ...typeScriptEntry(path.join(root, 'tools', 'stack', 'src', 'mail-sink.ts'), [
        host,
        String(ports.smtp),
        String(ports.mailApi),
      ]),
      pidFile: paths.pidFile,
      logFile: paths.logFile,
      marker: 'mail-sink.ts',
    },
    ready: () => httpOk(`${config.endpoints.mailApiUrl}/livez`),
  };
}
