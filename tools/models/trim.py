#!/usr/bin/env python3
"""Trim AWS's published service models (botocore's data/) to the operations hubsim implements.

Keeps, per service in operations.json: the metadata, those operations and every shape they
reach, with documentation strings removed (structure only). Writes model/data/<service>.json.
Running it again on the same botocore version must change nothing.
"""
import gzip, json, os, sys
import botocore

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "model", "data")
DROP = {"documentation", "documentationUrl", "examples", "deprecatedMessage", "locationDescription"}

def load(service):
    base = os.path.join(os.path.dirname(botocore.__file__), "data", service)
    version = sorted(os.listdir(base))[-1]
    for name in ("service-2.json", "service-2.json.gz"):
        path = os.path.join(base, version, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt") as f:
                return json.load(f)
    sys.exit(f"no model for {service}")

def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in DROP}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value

def reach(shapes, name, seen, documents=()):
    if name in seen:
        return
    seen.add(name)
    if name in documents:
        return
    shape = shapes[name]
    for member in shape.get("members", {}).values():
        reach(shapes, member["shape"], seen, documents)
    for key in ("member", "key", "value"):
        if key in shape:
            reach(shapes, shape[key]["shape"], seen, documents)

def trim(service, wanted, patches):
    model = load(service)
    documents = set(patches.get("document", []))
    ops, seen = {}, set()
    for name in wanted:
        op = model["operations"][name]
        ops[name] = strip(op)
        for part in ("input", "output"):
            if part in op:
                reach(model["shapes"], op[part]["shape"], seen, documents)
        for err in op.get("errors", []):
            reach(model["shapes"], err["shape"], seen, documents)
    meta = {k: v for k, v in model["metadata"].items() if k not in DROP}
    return {
        "_notice": "Derived from the AWS service model published in botocore "
                   f"{botocore.__version__} (Apache License 2.0, Copyright Amazon.com, Inc. or its affiliates). "
                   "Trimmed by tools/models/trim.py: documentation removed, only the operations hubsim implements.",
        "version": model.get("version", "2.0"),
        # How many operations AWS's whole model has: COVERAGE.md reports hubsim's share of them.
        "awsOperationCount": len(model["operations"]),
        "metadata": meta,
        "operations": dict(sorted(ops.items())),
        "shapes": {name: (DOCUMENT if name in documents else strip(model["shapes"][name])) for name in sorted(seen)},
    }

# A structure hubsim keeps as free-form JSON (see "_patches" in operations.json).
DOCUMENT = {"type": "structure", "members": {}, "document": True}

def main():
    with open(os.path.join(HERE, "operations.json")) as f:
        wanted = json.load(f)
    os.makedirs(OUT, exist_ok=True)
    patches = wanted.get("_patches", {})
    for service, ops in wanted.items():
        if service.startswith("_"):
            continue
        trimmed = trim(service, ops, patches.get(service, {}))
        with open(os.path.join(OUT, f"{service}.json"), "w") as f:
            json.dump(trimmed, f, indent=1, sort_keys=False)
            f.write("\n")
        print(f"{service}: {len(trimmed['operations'])} operations, {len(trimmed['shapes'])} shapes")

if __name__ == "__main__":
    main()
