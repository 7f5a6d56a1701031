import { createHash, randomUUID } from 'node:crypto';
import type { Service } from '@orderflow/events';
import { EventSerde, HeaderNames } from '@orderflow/events';
import type { DeadLetter, MessagingTables } from '@orderflow/messaging';
import { defaultDeadLetterTopic, inspectDeadLetters } from '@orderflow/messaging';
import { eventually, rowsMentioning, stack, testKafka, uniqueName } from '@orderflow/testing';
import type { Kysely } from 'kysely';
import { prefixedTopics } from '../integration/runtime.js';
import type { RawRecord } from './event-player.js';
import { recordOf } from './event-player.js';
import type { PoisonRecord, PoisonSamples } from './poison-records.js';
import { poisonRecords } from './poison-records.js';
import type { RunningService } from './service.js';

export interface PoisonSuiteOptions {
  /** The consuming service under test. */
  service: Service;
  /** Starts it in this process with its real wiring, under the topic prefix. */
  start(topicPrefix: string): Promise<RunningService>;
  /** The topics it consumes (by producing service) and the events to make poison of. */
  topics: Partial<Record<Service, PoisonSamples>>;
}

/** The poison records and the valid ones after them share this partition. */
const partition = 0;

/**
 * One test per consumed topic: writes every poison record (see `poisonRecords`) to one
 * partition, then valid records behind them, and checks that the valid ones are handled
 * (the partition moves on), that each poison record is in the dead-letter topic exactly
 * once for the service's consumer group, with its precise reason and as it was written,
 * and that no table of the service mentions any of them.
 */
export function describePoisonSuite({ service: name, start, topics }: PoisonSuiteOptions): void {
  describe(`${name} consuming records that do not belong on their topic`, () => {
    const prefix = `${uniqueName(`${name}-poison`)}.`;
    const group = `${prefix}${name}`;
    const kafka = testKafka();
    const producer = kafka.producer();
    const serde = new EventSerde({
      registryUrl: stack.endpoints.registryUrl,
      topics: prefixedTopics(prefix),
    });
    let service: RunningService;

    beforeAll(async () => {
      service = await start(prefix);
      await serde.registerAll();
      await producer.connect();
    });

    afterAll(async () => {
      await producer.disconnect();
      await service?.stop();
    });

    /** Writes the record to the partition; returns its offset. */
    const produce = async (topic: string, record: RawRecord): Promise<string> => {
      const [sent] = await producer.send({ topic, acks: -1, messages: [{ ...record, partition }] });
      return sent!.baseOffset!;
    };

    /** Writes a valid record the service acts on, and waits until its inbox has it. */
    const handleValid = async (topic: string, samples: PoisonSamples): Promise<void> => {
      const record = await recordOf(serde, samples.own(randomUUID()));
      await produce(topic, record);
      const db = service.database.db as Kysely<MessagingTables>;
      const inbox = () =>
        db
          .selectFrom('inbox')
          .select('message_id')
          .where('consumer', '=', group)
          .where('message_id', '=', record.headers[HeaderNames.id]!)
          .execute();
      await eventually(async () => expect(await inbox()).toHaveLength(1), 30_000);
    };

    for (const [owner, samples] of Object.entries(topics) as [Service, PoisonSamples][]) {
      it(`dead-letters each poison record on ${owner}.events once, with its reason, moves on, and writes nothing`, async () => {
        const topic = serde.topics[owner];
        const poison = await poisonRecords(serde, owner, samples);
        const offsets: string[] = [];
        for (const p of poison) offsets.push(await produce(topic, p.record));

        await handleValid(topic, samples);
        // Written after that one was handled, so fetched in a later batch: once this
        // one is handled too, the batches before it have written their dead letters.
        await handleValid(topic, samples);

        const letters = (await inspectDeadLetters(kafka, defaultDeadLetterTopic(topic)))
          .filter((l) => l.consumerGroup === group)
          .sort((a, b) => Number(a.originalOffset) - Number(b.originalOffset));
        const nameAt = new Map(offsets.map((offset, i) => [offset, poison[i]!.name]));
        const rows = await rowsMentioning(
          service.database.db,
          poison.flatMap((p) => p.markers),
        );
        expect({ letters: letters.map((l) => asLetter(l, nameAt)), rows }).toEqual({
          letters: poison.map((p, i) => expectedLetter(p, topic, offsets[i]!)),
          rows: [],
        });
      });
    }
  });
}

/** What the test compares of a dead letter: where it came from, why, and its bytes. */
function asLetter(l: DeadLetter, nameAt: ReadonlyMap<string, string>) {
  return {
    case: nameAt.get(l.originalOffset ?? ''),
    topic: l.originalTopic,
    partition: l.originalPartition,
    offset: l.originalOffset,
    reason: l.reason,
    errorClass: l.errorClass,
    attempts: l.attempts,
    key: l.key,
    ceId: l.headers[HeaderNames.id],
    value: digest(l.value),
  };
}

function expectedLetter(p: PoisonRecord, topic: string, offset: string) {
  return {
    case: p.name,
    topic,
    partition: String(partition),
    offset,
    reason: p.reason,
    errorClass: p.errorClass,
    attempts: '1',
    key: p.record.key,
    ceId: p.record.headers[HeaderNames.id],
    value: digest(p.record.value),
  };
}

const digest = (value: Buffer | null) =>
  value && `${value.length} bytes, sha256 ${createHash('sha256').update(value).digest('hex')}`;
