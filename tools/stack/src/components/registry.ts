import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Component } from '../component.js';
import { componentPaths, requireTool } from '../component.js';
import type { StackConfig } from '../config.js';
import { versions } from '../config.js';
import { javaAtLeast } from '../java.js';
import { runStep } from '../process.js';
import { httpOk } from '../readiness.js';
import { ensureDatabase } from './postgres.js';

/**
 * Apicurio Registry with its Confluent-compatible API (/apis/ccompat/v7), the same
 * registry the compose file and the Helm chart ship. It keeps its schemas in the
 * stack's Postgres (database `registry`), beside Kafka's log in the same state
 * directory: a schema id written into a record must mean the same schema for as long
 * as the record exists. With in-memory storage a restarted registry hands out the ids
 * again in whatever order the services register, and every old record then names
 * another record type.
 */
export function registry(config: StackConfig): Component {
  const paths = componentPaths(config, 'registry');
  const home = path.join(config.cacheDir, `apicurio-registry-${versions.apicurio}`);
  const jar = path.join(home, 'quarkus-run.jar');
  const { host, ports } = config;
  let java = 'java';
  const database = 'registry';

  return {
    name: 'registry',
    endpoint: config.endpoints.registryUrl,
    startTimeoutMs: 120_000,

    async provision() {
      // Apicurio Registry 3.3 is built for Java 21.
      java = await javaAtLeast(config, 21);
      if (existsSync(jar)) return;
      const mvn = requireTool('mvn', 'Maven 3.8+ (Debian: apt-get install maven)');
      const downloads = path.join(config.cacheDir, 'downloads');
      const archive = path.join(downloads, `apicurio-registry-app-${versions.apicurio}-all.tar.gz`);
      const logFile = path.join(config.stateDir, 'logs', 'provision-registry.log');
      if (!existsSync(archive)) {
        await runStep(
          'registry',
          `downloading Apicurio Registry ${versions.apicurio} from Maven Central (~160 MB)`,
          mvn,
          [
            '-B',
            'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
            `-Dartifact=io.apicurio:apicurio-registry-app:${versions.apicurio}:tar.gz:all`,
            `-DoutputDirectory=${downloads}`,
          ],
          { logFile },
        );
      }
      // The archive has no top-level folder; unpack into a temporary one and rename,
      // so an interrupted unpack never leaves a half-filled home behind.
      const partial = `${home}.partial`;
      mkdirSync(partial, { recursive: true });
      await runStep('registry', 'unpacking', 'tar', ['-xzf', archive, '-C', partial], { logFile });
      await runStep('registry', 'installing', 'mv', ['-T', partial, home], { logFile });
    },

    async prepare() {
      mkdirSync(paths.dir, { recursive: true });
      await ensureDatabase(config, database, { timeoutMs: 60_000, requiredBy: 'the registry' });
    },

    get daemon() {
      return {
        name: 'registry',
        command: java,
        args: [
          '-Xms128m',
          '-Xmx512m',
          '-Dorderflow.stack=registry',
          `-Dquarkus.http.host=${host}`,
          `-Dquarkus.http.port=${ports.registry}`,
          // Quarkus' management interface (health, metrics) would otherwise listen on 0.0.0.0:9000.
          `-Dquarkus.management.host=${host}`,
          `-Dquarkus.management.port=${ports.registryManagement}`,
          // The contract's level. With a global rule, the ccompat API also answers config
          // look-ups for new subjects as Confluent does, which the kafkajs client relies on.
          '-Dapicurio.rules.global.compatibility=BACKWARD_TRANSITIVE',
          '-Dapicurio.storage.kind=sql',
          '-Dapicurio.storage.sql.kind=postgresql',
          `-Dapicurio.datasource.url=jdbc:postgresql://${host}:${ports.postgres}/${database}`,
          // The stack's cluster trusts loopback connections (see postgres.ts): no password.
          '-Dapicurio.datasource.username=orderflow',
          '-Dapicurio.datasource.jdbc.initial-size=2',
          '-Dapicurio.datasource.jdbc.min-size=2',
          '-Dapicurio.datasource.jdbc.max-size=10',
          // A connection the pool lends out is checked first: after a Postgres restart
          // the first request would otherwise fail on a dead connection with a 500.
          '-Dquarkus.datasource.postgresql.jdbc.validate-on-borrow=true',
          '-Dquarkus.log.level=WARN',
          '-Dquarkus.log.category."io.apicurio".level=INFO',
          '-jar',
          jar,
        ],
        cwd: home,
        pidFile: paths.pidFile,
        logFile: paths.logFile,
        marker: 'orderflow.stack=registry',
      };
    },

    ready: () => httpOk(`${config.endpoints.registryUrl}/subjects`),
  };
}
