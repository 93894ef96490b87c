#!/usr/bin/python3
"""A Python client of ECT Stream: ask the sampler for images over Kafka, read their results and the FID reports.

Needs only Debian's python3-confluent-kafka and python3-avro. Records on the platform's topics are Avro
single-object encoding: C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer's schema, then the
binary record. The schemas are ../schemas/*.avsc, one self-contained file per record (no load order).

    ./ectstream_client.py --bootstrap-servers 127.0.0.1:9092 generate --run my-run --count 8 --steps 2 --out samples
    ./ectstream_client.py --bootstrap-servers 127.0.0.1:9092 fid --run my-run

Each prints one JSON line per record it read (images are written to --out, not printed).
"""

import argparse
import base64
import datetime
import io
import json
import os
import sys
import time
import uuid

import avro.io
import avro.schema
from confluent_kafka import OFFSET_END, Consumer, Producer, TopicPartition

MARKER = b"\xc3\x01"
SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")


def _crc64_table():
    empty = 0xC15D213AA4D7A795
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (empty & -(fp & 1))
        table.append(fp)
    return empty, table


_EMPTY, _TABLE = _crc64_table()


PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def _collapse(node):
    """{"type": "long"} to "long": python3-avro 1.11.1 keeps that form for a primitive that had attributes
    (logicalType, avro.java.string), where the parsing canonical form has the bare name."""
    if isinstance(node, dict):
        if len(node) == 1 and node.get("type") in PRIMITIVES:
            return node["type"]
        return {k: _collapse(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_collapse(v) for v in node]
    return node


def canonical_form(schema):
    return json.dumps(_collapse(json.loads(schema.canonical_form)), separators=(",", ":"))


def fingerprint(schema):
    """CRC-64-AVRO of the schema's parsing canonical form (the Avro specification's algorithm)."""
    fp = _EMPTY
    for byte in canonical_form(schema).encode("utf-8"):
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp.to_bytes(8, "little")


class Codec:
    """Single-object encoding of the platform's records, one schema file per record name."""

    def __init__(self, schema_dir=SCHEMA_DIR):
        self.schemas = {}
        self.by_fingerprint = {}
        for name in sorted(os.listdir(schema_dir)):
            if name.endswith(".avsc"):
                with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                    schema = avro.schema.parse(f.read())
                self.schemas[schema.name] = schema
                self.by_fingerprint[fingerprint(schema)] = schema

    def encode(self, name, datum):
        schema = self.schemas[name]
        out = io.BytesIO()
        out.write(MARKER + fingerprint(schema))
        avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(out))
        return out.getvalue()

    def decode(self, name, data):
        if data is None or len(data) < 10 or data[:2] != MARKER:
            raise ValueError(f"not an Avro single-object encoded {name}")
        schema = self.by_fingerprint.get(data[2:10])
        if schema is None or schema.name != name:
            raise ValueError(
                f"{name} written with a schema this client does not know (fingerprint {data[2:10].hex()}):"
                " update ../schemas from the platform's clients/schemas"
            )
        return avro.io.DatumReader(schema, schema).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))


def _plain(value):
    """A decoded record as JSON-friendly values: bytes in base64, timestamps in ISO 8601."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _emit(kind, record):
    print(json.dumps({"record": kind, **_plain(record)}), flush=True)


def _consumer(bootstrap, topics):
    """A consumer of these topics from their current ends (nothing older than this call is read)."""
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "ectstream-python-" + uuid.uuid4().hex,
        "enable.auto.commit": False,
    })
    partitions = []
    for topic in topics:
        metadata = consumer.list_topics(topic, timeout=30).topics[topic]
        if metadata.error is not None:
            raise SystemExit(f"topic {topic}: {metadata.error}")
        for p in metadata.partitions:
            _, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
            partitions.append(TopicPartition(topic, p, high if high >= 0 else OFFSET_END))
    consumer.assign(partitions)
    return consumer


def generate(args, codec):
    """Sends one GenerationRequest and waits for every chunk of its result (or its error)."""
    request_id = args.request_id or "py-" + uuid.uuid4().hex
    consumer = _consumer(args.bootstrap_servers, [args.results_topic, args.errors_topic])
    request = {
        "requestId": request_id,
        "model": {"runId": args.run, "step": args.step},
        "numImages": args.count,
        "steps": args.steps,
        "seed": args.seed,
        "tMid": None,
        "outputFormat": "PNG",
        "replyTopic": None,
        "sampler": "ECT",
        "purpose": "USER",
        "deadlineMs": None,
        "createdAt": datetime.datetime.now(datetime.timezone.utc),
    }
    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "acks": "all", "enable.idempotence": True})
    producer.produce(args.requests_topic, key=request_id, value=codec.encode("GenerationRequest", request))
    if producer.flush(30) != 0:
        raise SystemExit(f"request {request_id} was not acknowledged by Kafka")
    chunks = {}
    deadline = time.monotonic() + args.timeout_s
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error() is not None:
                raise SystemExit(f"Kafka: {message.error()}")
            if message.key() is None or message.key().decode() != request_id:
                continue
            if message.topic() == args.errors_topic:
                error = codec.decode("GenerationError", message.value())
                _emit("GenerationError", error)
                raise SystemExit(f"request {request_id} refused: {error['code']}: {error['reason']}")
            result = codec.decode("GenerationResult", message.value())
            if result["chunkIndex"] in chunks:
                continue  # at-least-once delivery: the same chunk again
            chunks[result["chunkIndex"]] = result
            images = result.pop("images")
            _emit("GenerationResult", {**result, "imageCount": len(images)})
            if args.out:
                os.makedirs(args.out, exist_ok=True)
                for i, png in enumerate(images):
                    name = f"{request_id}-{result['firstImageIndex'] + i:04d}.png"
                    with open(os.path.join(args.out, name), "wb") as f:
                        f.write(png)
            if len(chunks) == result["chunkCount"]:
                return 0
        raise SystemExit(f"request {request_id}: {len(chunks)} chunks after {args.timeout_s} s")
    finally:
        consumer.close()


def fid(args, codec):
    """Prints every FID report on the topic now (optionally of one run), oldest first."""
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "ectstream-python-" + uuid.uuid4().hex,
        "enable.auto.commit": False,
    })
    try:
        metadata = consumer.list_topics(args.fid_topic, timeout=30).topics[args.fid_topic]
        if metadata.error is not None:
            raise SystemExit(f"topic {args.fid_topic}: {metadata.error}")
        starts, ends = {}, {}
        for p in metadata.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(args.fid_topic, p), timeout=30)
            if high > low:
                starts[p], ends[p] = low, high
        consumer.assign([TopicPartition(args.fid_topic, p, starts[p]) for p in ends])
        deadline = time.monotonic() + args.timeout_s
        while ends and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error() is not None:
                raise SystemExit(f"Kafka: {message.error()}")
            report = codec.decode("FidReport", message.value())
            if args.run is None or report["modelVersion"]["runId"] == args.run:
                _emit("FidReport", report)
            if message.offset() + 1 >= ends.get(message.partition(), 0):
                ends.pop(message.partition(), None)
        if ends:
            raise SystemExit(f"{args.fid_topic} not read to its end after {args.timeout_s} s")
        return 0
    finally:
        consumer.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    parser.add_argument("--schemas", default=SCHEMA_DIR, help="folder of the self-contained .avsc files")
    parser.add_argument("--timeout-s", type=float, default=60.0)
    commands = parser.add_subparsers(dest="command", required=True)
    g = commands.add_parser("generate", help="ask for images and wait for them")
    g.add_argument("--run", required=True, help="training run id")
    g.add_argument("--step", type=int, default=None, help="checkpoint step (default: the newest loaded)")
    g.add_argument("--count", type=int, default=4, help="images")
    g.add_argument("--steps", type=int, default=2, choices=[1, 2], help="network evaluations per image")
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--request-id", default=None, help="default: py-<random>")
    g.add_argument("--out", default=None, help="folder for the PNG images")
    g.add_argument("--requests-topic", default="ect.generate.requests")
    g.add_argument("--results-topic", default="ect.generate.results")
    g.add_argument("--errors-topic", default="ect.generate.errors")
    f = commands.add_parser("fid", help="print the FID reports")
    f.add_argument("--run", default=None, help="only this run's reports")
    f.add_argument("--fid-topic", default="ect.eval.fid")
    args = parser.parse_args(argv)
    codec = Codec(args.schemas)
    return generate(args, codec) if args.command == "generate" else fid(args, codec)


if __name__ == "__main__":
    sys.exit(main())
