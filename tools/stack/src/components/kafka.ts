import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { KafkaConfig } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { Component } from '../component.js';
import { componentPaths, requireTool } from '../component.js';
import type { StackConfig } from '../config.js';
import { versions } from '../config.js';
import { javaAtLeast } from '../java.js';
import { runStep } from '../process.js';
import { StackError } from '../progress.js';
import { workspaceRoot } from '../workspace.js';
import type { KafkaSecurityPaths } from './kafka-security.js';
import {
  brokerSubject,
  ensureKafkaSecrets,
  kafkaSecurityPaths,
  kafkaUsers,
  readSecret,
} from './kafka-security.js';

/** The client listener's protocol, as the broker was last started with. */
export type KafkaListener = 'PLAINTEXT' | 'SASL_SSL';

/** Apache Kafka in KRaft mode, one node acting as broker and controller. */
export function kafka(config: StackConfig): Component {
  const paths = componentPaths(config, 'kafka');
  const libs = path.join(config.cacheDir, `kafka-${versions.kafka}`, 'libs');
  const classpath = `${libs}/*`;
  const properties = path.join(paths.dir, 'server.properties');
  const log4j = path.join(paths.dir, 'log4j.properties');
  /** What the running broker speaks: `status` probes it without being told. */
  const listenerFile = listenerFileOf(config);
  const security = kafkaSecurityPaths(config);
  const listener: KafkaListener = config.kafkaSecure ? 'SASL_SSL' : 'PLAINTEXT';
  // Each mode keeps its own log: a secure broker's metadata holds its users and ACLs.
  const dataDir = config.kafkaSecure
    ? path.join(security.dir, 'data')
    : path.join(paths.dir, 'data');
  const { host, ports } = config;
  let java = 'java';

  const recordedListener = () => kafkaListenerOf(config);
  const clientConfig = (as: KafkaListener, options: Partial<KafkaConfig> = {}): KafkaConfig => ({
    clientId: 'orderflow-stack',
    brokers: config.endpoints.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    ...(as === 'SASL_SSL' ? adminSecurity(security) : {}),
    ...options,
  });

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
      if (config.kafkaSecure) ensureKafkaSecrets(security);
      // The secure properties hold the keystore's and the admin's passwords.
      writeFileSync(
        properties,
        serverProperties(config, dataDir) +
          (config.kafkaSecure ? secureServerProperties(config, security) : ''),
        { mode: 0o600 },
      );
      chmodSync(properties, 0o600);
      writeFileSync(log4j, LOG4J);
      writeFileSync(listenerFile, `${listener}\n`);
      if (existsSync(path.join(dataDir, 'meta.properties'))) return;
      // SCRAM users exist before the first start, the admin among them: nobody could
      // create them afterwards on a broker that authenticates every client.
      const scram = config.kafkaSecure
        ? kafkaUsers.flatMap((user) => [
            '--add-scram',
            `SCRAM-SHA-512=[name=${user},password=${readSecret(security.passwordFile(user))}]`,
          ])
        : [];
      await runStep(
        'kafka',
        config.kafkaSecure
          ? 'formatting KRaft storage with SCRAM users'
          : 'formatting KRaft storage',
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
          ...scram,
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
      const admin = new Kafka(
        clientConfig(recordedListener(), { retry: { retries: 0 }, connectionTimeout: 1_000 }),
      ).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0 && cluster.controller !== null;
      } finally {
        await admin.disconnect();
      }
    },

    async configure() {
      const running = recordedListener();
      if (running !== listener) {
        throw new StackError(
          `kafka is running with its ${running} listener; stop it (npm run stack -- down) before starting it ${config.kafkaSecure ? 'with' : 'without'} --secure`,
        );
      }
      if (!config.kafkaSecure) return;
      const { grantServices } = await import('./kafka-acls.js');
      await grantServices(new Kafka(clientConfig('SASL_SSL')));
    },
  };
}

function listenerFileOf(config: StackConfig): string {
  return path.join(componentPaths(config, 'kafka').dir, 'listener');
}

/** The client listener the stack's Kafka was last started with (PLAINTEXT if never). */
export function kafkaListenerOf(config: StackConfig): KafkaListener {
  const file = listenerFileOf(config);
  return existsSync(file) && readFileSync(file, 'utf8').trim() === 'SASL_SSL'
    ? 'SASL_SSL'
    : 'PLAINTEXT';
}

/** The admin's credentials and the stack's CA: how the stack itself talks to a secure broker. */
export function adminSecurity(security: KafkaSecurityPaths): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return {
    ssl: { ca: [readFileSync(security.caFile, 'utf8')] },
    sasl: {
      mechanism: 'scram-sha-512',
      username: 'admin',
      password: readSecret(security.passwordFile('admin')),
    },
  };
}

function serverProperties(config: StackConfig, dataDir: string): string {
  const { host, ports } = config;
  const client = config.kafkaSecure ? 'SASL_SSL' : 'PLAINTEXT';
  const controller = config.kafkaSecure ? 'SSL' : 'PLAINTEXT';
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${ports.kafkaController}`,
    `listeners=${client}://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
    `advertised.listeners=${client}://${host}:${ports.kafka}`,
    'controller.listener.names=CONTROLLER',
    `inter.broker.listener.name=${client}`,
    `listener.security.protocol.map=${client}:${client},CONTROLLER:${controller}`,
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

/**
 * Secure mode replaces the PLAINTEXT client listener; nothing on the broker is reachable
 * without a credential. Clients authenticate with SCRAM-SHA-512 over TLS; the broker
 * (its own inter-broker client) as the admin. The controller listener stays on
 * 127.0.0.1 and takes only the broker's certificate (mutual TLS). Every request is
 * authorised: the admin and the broker are super users, everyone else has only what
 * the ACLs grant (see kafka-acls.ts), and nothing when no ACL names a resource.
 */
function secureServerProperties(config: StackConfig, security: KafkaSecurityPaths): string {
  const keystorePassword = readSecret(security.keystorePassword);
  const admin = readSecret(security.passwordFile('admin'));
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${admin}";`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${security.keystore}`,
    `ssl.keystore.password=${keystorePassword}`,
    `ssl.key.password=${keystorePassword}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${security.caFile}`,
    'listener.name.controller.ssl.client.auth=required',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:admin;User:${brokerSubject}`,
    'allow.everyone.if.no.acl.found=false',
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
