#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpus: real requests, serialized and signed by botocore.

For every operation in tools/models/operations.json, two requests: one with the required
members only and one with every member (nested structures, lists and maps included, to a few
levels), their values derived from the model (enum values, length bounds, number ranges). Each
is sent through a real botocore client (endpoint http://localhost:4566, fake credentials) whose
`before-send` hook records the request and stops it. The fuzz targets (tests/fuzz_wire.rs) mutate
these requests.

    python3 tools/fuzz/corpus.py > tests/fuzz_support/corpus.json
"""
import datetime
import json
import os
import sys

import botocore.session
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
OPERATIONS = os.path.join(HERE, "..", "models", "operations.json")


# Headers that say nothing to the server, left out to keep the corpus small.
DROPPED = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request"}


class Captured(Exception):
    """Raised by the hook once the request is recorded: nothing goes to the network."""


def scalar(shape, name):
    t = shape.type_name
    if t == "string":
        if shape.enum:
            return shape.enum[0]
        lo = shape.metadata.get("min", 1)
        hi = shape.metadata.get("max", 64)
        base = {"Bucket": "fuzz-bucket", "Key": "fuzz/key.txt", "Region": "us-east-1"}.get(name)
        if base is None:
            base = "fuzz-" + name.lower()
        if "arn" in name.lower():
            base = "arn:aws:iam::123456789012:role/fuzz"
        if "policy" in name.lower() or "document" in name.lower():
            base = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
        while len(base) < lo:
            base += "x"
        return base[: max(hi, lo)]
    if t in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1) if shape.metadata.get("max", 10) >= 1 else shape.metadata.get("min", 0)
    if t in ("float", "double"):
        return 1.5
    if t == "boolean":
        return True
    if t == "timestamp":
        return datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    if t == "blob":
        return b"fuzz-bytes"
    raise ValueError(t)


def value(shape, name, everything, depth):
    t = shape.type_name
    if t == "structure":
        out = {}
        for member, sub in shape.members.items():
            required = member in shape.required_members
            if not required and (not everything or depth >= 4):
                continue
            if sub.type_name in ("structure", "list", "map") and depth >= 5:
                continue
            if sub.metadata.get("document") or getattr(sub, "is_document_type", False):
                out[member] = {"Fuzz": [1, "two", {"three": None}]}
                continue
            out[member] = value(sub, member, everything, depth + 1)
        return out
    if t == "list":
        n = 2 if everything else 1
        return [value(shape.member, name, everything, depth + 1) for _ in range(n)]
    if t == "map":
        return {"fuzzkey": value(shape.value, name, everything, depth + 1)}
    return scalar(shape, name)


def main():
    session = botocore.session.get_session()
    session.set_credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    wanted = {k: v for k, v in json.load(open(OPERATIONS)).items() if not k.startswith("_")}
    corpus = []
    for service, operations in sorted(wanted.items()):
        region = "eu-west-1" if service in ("ec2", "s3") else "us-east-1"
        config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 0}, parameter_validation=False)
        client = session.create_client(service, region_name=region, endpoint_url="http://localhost:4566", config=config)
        seen = {}

        def hook(request, **kwargs):
            seen["request"] = request
            raise Captured()

        client.meta.events.register_first("before-send", hook)
        model = client.meta.service_model
        for op in operations:
            op_model = model.operation_model(op)
            for everything in (False, True):
                params = value(op_model.input_shape, "", everything, 0) if op_model.input_shape else {}
                seen.clear()
                try:
                    getattr(client, botocore.xform_name(op))(**params)
                except Captured:
                    pass
                except Exception as e:  # noqa: BLE001 - a request botocore will not build is skipped
                    print(f"skipped {service}:{op} ({'all' if everything else 'required'}): {e}", file=sys.stderr)
                    continue
                req = seen["request"]
                body = req.body or b""
                if hasattr(body, "read"):
                    body = body.read()
                if isinstance(body, str):
                    body = body.encode()
                path, _, query = req.url.partition("://")[2].partition("/")[2].partition("?")
                corpus.append({
                    "service": service,
                    "operation": op,
                    "method": req.method,
                    "path": "/" + path,
                    "query": query,
                    "headers": [["host", "localhost:4566"]] + [
                        [k.lower(), v.decode() if isinstance(v, bytes) else v]
                        for k, v in req.headers.items()
                        if k.lower() not in DROPPED
                    ],
                    "body": body.decode("utf-8"),
                })
    # One request a line: small diffs when the models change.
    sys.stdout.write("[\n" + ",\n".join(json.dumps(r) for r in corpus) + "\n]\n")


if __name__ == "__main__":
    main()
