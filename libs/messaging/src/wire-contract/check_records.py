"""Reads orderflow records with clients orderflow did not write, and checks the wire contract.

Confluent's Kafka client (librdkafka) reads every partition of the given topics to its
end; each value is decoded with fastavro by the writer schema that the registry returns
for the schema id in the value (Confluent wire format: magic byte 0, 4-byte big-endian
schema id, Avro binary). For every record it checks the registry subject
(TopicRecordNameStrategy), the headers (CloudEvents binary binding, W3C traceparent,
correlation and causation) and that the record sits on the partition that Java's default
partitioner gives its key: murmur2(key) & 0x7fffffff modulo the partition count.

With --probe-topic, it also produces each key once with librdkafka's murmur2_random
partitioner and once with its default, and reports where each landed.

Prints one JSON report on stdout; the test that runs it asserts on the report.
"""

import argparse
import json
import re
import sys
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from io import BytesIO

import confluent_kafka
import fastavro
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

REQUIRED_HEADERS = [
    "ce_id",
    "ce_type",
    "ce_source",
    "ce_specversion",
    "ce_time",
    "ce_subject",
    "traceparent",
    "correlation-id",
    "causation-id",
]
TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MASK32 = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as unsigned 32 bits."""
    length = len(data)
    m = 0x5BD1E995
    h = (0x9747B28C ^ length) & MASK32
    for i in range(0, length - length % 4, 4):
        k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k = (k * m) & MASK32
        k ^= k >> 24
        k = (k * m) & MASK32
        h = (h * m) & MASK32
        h ^= k
    tail = length - length % 4
    rest = length % 4
    if rest == 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & MASK32
    h ^= h >> 13
    h = (h * m) & MASK32
    h ^= h >> 15
    return h


def java_partition(key: bytes, partitions: int) -> int:
    """The partition Java's default partitioner picks for a keyed record."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


class Registry:
    """The Confluent-compatible registry API, read-only, with schemas cached by id."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.schemas = {}
        self.subjects = {}

    def _get(self, path: str):
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as response:
            return json.load(response)

    def schema(self, schema_id: int):
        if schema_id not in self.schemas:
            text = self._get(f"/schemas/ids/{schema_id}")["schema"]
            self.schemas[schema_id] = fastavro.parse_schema(json.loads(text))
        return self.schemas[schema_id]

    def subjects_of(self, schema_id: int):
        if schema_id not in self.subjects:
            versions = self._get(f"/schemas/ids/{schema_id}/versions")
            self.subjects[schema_id] = sorted(v["subject"] for v in versions)
        return self.subjects[schema_id]


def plain(value):
    """A decoded Avro value as JSON: timestamps as epoch milliseconds."""
    if isinstance(value, datetime):
        return (value - EPOCH) // timedelta(milliseconds=1)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def read_to_end(brokers: str, topics, timeout_s: float):
    """Every record of the topics, from the beginning to the end of each partition."""
    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": f"wire-contract-{uuid.uuid4()}",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
        }
    )
    try:
        metadata = consumer.list_topics(timeout=30)
        partitions = {topic: len(metadata.topics[topic].partitions) for topic in topics}
        assigned = [
            TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING)
            for topic in topics
            for p in range(partitions[topic])
        ]
        consumer.assign(assigned)
        pending = {(tp.topic, tp.partition) for tp in assigned}
        records = []
        deadline = time.monotonic() + timeout_s
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"partitions not read to the end: {sorted(pending)}")
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    pending.discard((message.topic(), message.partition()))
                    continue
                raise KafkaException(message.error())
            records.append(message)
        return records, partitions
    finally:
        consumer.close()


def check(message, registry: Registry, partitions):
    """What the record is, and what in it breaks the contract."""
    problems = []
    key = message.key() or b""
    value = message.value() or b""
    headers = {name: raw.decode("utf-8") for name, raw in (message.headers() or [])}
    report = {
        "topic": message.topic(),
        "partition": message.partition(),
        "offset": message.offset(),
        "key": key.decode("utf-8"),
        "headers": headers,
        "expectedPartition": java_partition(key, partitions[message.topic()]),
        "problems": problems,
    }
    if report["partition"] != report["expectedPartition"]:
        problems.append(
            f"on partition {report['partition']}, murmur2 says {report['expectedPartition']}"
        )
    for name in REQUIRED_HEADERS:
        if not headers.get(name):
            problems.append(f"missing header {name}")

    if len(value) < 5 or value[0] != 0:
        problems.append("value is not in Confluent wire format (magic byte 0 + schema id)")
        return report
    schema_id = int.from_bytes(value[1:5], "big", signed=True)
    writer = registry.schema(schema_id)
    record = fastavro.schemaless_reader(BytesIO(value[5:]), writer)
    full_name = writer["name"]
    subject = f"{message.topic()}-{full_name}"
    report.update(schemaId=schema_id, type=full_name, subject=subject, value=plain(record))

    if subject not in registry.subjects_of(schema_id):
        problems.append(f"schema {schema_id} is not registered under {subject}")
    if headers.get("ce_type") != full_name:
        problems.append(f"ce_type {headers.get('ce_type')} is not the record {full_name}")
    service = full_name.split(".")[1]
    if headers.get("ce_source") != f"/orderflow/{service}":
        problems.append(f"ce_source {headers.get('ce_source')} is not /orderflow/{service}")
    if headers.get("ce_specversion") != "1.0":
        problems.append(f"ce_specversion {headers.get('ce_specversion')} is not 1.0")
    if headers.get("ce_subject") != report["key"] or record.get("orderId") != report["key"]:
        problems.append("ce_subject, key and orderId differ")
    try:
        datetime.fromisoformat(headers.get("ce_time", ""))
    except ValueError:
        problems.append(f"ce_time {headers.get('ce_time')} is not RFC 3339")
    if not TRACEPARENT.match(headers.get("traceparent", "")):
        problems.append(f"traceparent {headers.get('traceparent')} is not W3C version 00")
    return report


def probe(brokers: str, topic: str, keys):
    """Where librdkafka puts each key with murmur2_random, and with its default partitioner."""
    landed = {key: {} for key in keys}
    for partitioner in ["murmur2_random", None]:
        config = {"bootstrap.servers": brokers, "enable.idempotence": True}
        if partitioner:
            config["partitioner"] = partitioner
        producer = Producer(config)
        name = partitioner or "default"

        def delivered(error, message, name=name):
            if error is not None:
                raise KafkaException(error)
            landed[message.key().decode("utf-8")][name] = message.partition()

        for key in keys:
            producer.produce(topic, key=key.encode("utf-8"), value=b"probe", on_delivery=delivered)
        if producer.flush(30) != 0:
            raise TimeoutError("probe records not delivered")
    return landed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--registry", required=True, help="Confluent-compatible API root")
    parser.add_argument("--topics", required=True, help="comma-separated")
    parser.add_argument("--probe-topic")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()

    topics = args.topics.split(",")
    registry = Registry(args.registry)
    messages, partitions = read_to_end(args.brokers, topics, args.timeout)
    records = [check(message, registry, partitions) for message in messages]
    report = {
        "clients": {
            "confluent-kafka": confluent_kafka.__version__,
            "librdkafka": confluent_kafka.libversion()[0],
            "fastavro": fastavro.__version__,
        },
        "partitions": partitions,
        "records": records,
    }
    if args.probe_topic:
        keys = sorted({record["key"] for record in records})
        report["probe"] = probe(args.brokers, args.probe_topic, keys)
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
