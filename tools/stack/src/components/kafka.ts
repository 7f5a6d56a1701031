import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Component } from '../component.js';
import { componentPaths, requireTool } from '../component.js';
import type { StackConfig } from '../config.js';
import { versions } from '../config.js';
import { javaAtLeast } from '../java.js';
import { runStep } from '../process.js';
import { workspaceRoot } from '../workspace.js';

/** Apache Kafka in KRaft mode, one node acting as broker and controller. */
export function kafka(config: StackConfig): Component {
  const paths = componentPaths(config, 'kafka');
  const libs = path.join(config.cacheDir, `kafka-${versions.kafka}`, 'libs');
  const classpath = `${libs}/*`;
  const properties = path.join(paths.dir, 'server.properties');
  const log4j = path.join(paths.dir, 'log4j.properties');
  const { host, ports } = config;
  let java = 'java';

  return {
    name: 'kafka',
    endpoint: `${host}:${ports.kafka}`,
    startTimeoutMs: 90_000,

    async provision() {
      java = await javaAtLeast(config, 17);
      if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) return;
      const mvn = requireTool('mvn', 'Maven 3.8+ (Debian: apt-get install maven)');
      await runStep(
        'kafka',
        `downloading Apache Kafka ${versions.kafka} from Maven Central`,
        mvn,
        [
          '-B',
          '-f',
          path.join(workspaceRoot(), 'tools', 'stack', 'maven', 'kafka-pom.xml'),
          `-Dkafka.version=${versions.kafka}`,
          'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${libs}`,
        ],
        { logFile: path.join(config.stateDir, 'logs', 'provision-kafka.log') },
      );
    },

    async prepare() {
      mkdirSync(paths.dir, { recursive: true });
      const dataDir = path.join(paths.dir, 'data');
      writeFileSync(properties, serverProperties(config, dataDir));
      writeFileSync(log4j, LOG4J);
      if (existsSync(path.join(dataDir, 'meta.properties'))) return;
      await runStep(
        'kafka',
        'formatting KRaft storage',
        java,
        [
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId(),
          '-c',
          properties,
          '--ignore-formatted',
        ],
        { logFile: paths.logFile },
      );
    },

    get daemon() {
      return {
        name: 'kafka',
        command: java,
        args: [
          '-Xms256m',
          '-Xmx768m',
          '-XX:+UseG1GC',
          `-Dlog4j.configuration=file:${log4j}`,
          '-Dorderflow.stack=kafka',
          '-cp',
          classpath,
          'kafka.Kafka',
          properties,
        ],
        pidFile: paths.pidFile,
        logFile: paths.logFile,
        marker: 'orderflow.stack=kafka',
      };
    },

    async ready() {
      const admin = new Kafka({
        clientId: 'orderflow-stack',
        brokers: config.endpoints.kafkaBrokers,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: 1_000,
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0 && cluster.controller !== null;
      } finally {
        await admin.disconnect();
      }
    },
  };
}

function serverProperties(config: StackConfig, dataDir: string): string {
  const { host, ports } = config;
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${ports.kafkaController}`,
    `listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
    `advertised.listeners=PLAINTEXT://${host}:${ports.kafka}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // Topics are created on purpose (by tests and by the services' init), never by a typo.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    // Services here are restarted all the time, often by SIGKILL: a member that died
    // without leaving its group holds the group's next rebalance until its session
    // expires. Let consumers ask for sessions of a few seconds (Kafka's floor is 6 s).
    'group.min.session.timeout.ms=1000',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.logger.kafka=INFO',
  'log4j.logger.org.apache.kafka=WARN',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/** Kafka's Uuid text form: 16 random bytes, base64url without padding, not starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
