#!/usr/bin/env python3
"""Write the typed Rust shapes of model/data/<service>.json into model/src/generated/<service>.rs.

One struct per structure shape (botocore member names kept through serde renames), one marker
type per operation implementing `crate::Operation`. Enums stay strings (validated against the
model); required members are plain fields, optional ones `Option`. `--check` fails if the
committed output differs from what this script would write.
"""
import json, keyword, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "model", "data")
OUT = os.path.join(ROOT, "model", "src", "generated")

RUST_KEYWORDS = {"as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else",
                 "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match",
                 "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super",
                 "trait", "true", "type", "unsafe", "use", "where", "while", "yield", "abstract",
                 "become", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "do", "try"}
RESERVED_TYPES = {"String", "Option", "Vec", "Box", "Result", "Default", "Timestamp", "Blob",
                  "Document", "Value", "Self", "BTreeMap", "Empty", "Operation", "Shape"}
PRIMITIVE = {"string": "String", "boolean": "bool", "integer": "i32", "long": "i64",
             "float": "f64", "double": "f64", "timestamp": "Timestamp", "blob": "Blob"}

def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^A-Za-z0-9_]", "_", s).lower().strip("_")
    s = re.sub(r"_+", "_", s)
    if not s or s[0].isdigit():
        s = "m_" + s
    if s in RUST_KEYWORDS:
        s += "_"
    return s

def type_name(shape_name):
    n = re.sub(r"[^A-Za-z0-9]", "", shape_name)
    n = n[0].upper() + n[1:]
    if n in RESERVED_TYPES:
        n += "Shape"
    return n

class Gen:
    def __init__(self, service, model):
        self.service = service
        self.model = model
        self.shapes = model["shapes"]
        self.names = {}
        for name, shape in self.shapes.items():
            if shape["type"] == "structure" and not shape.get("exception"):
                self.names[name] = type_name(name)
        taken = {}
        for shape, rust in self.names.items():
            if rust in taken:
                sys.exit(f"{service}: shapes {taken[rust]} and {shape} both map to {rust}")
            taken[rust] = shape
        self.recursive = self.find_recursive()

    def find_recursive(self):
        """Struct-to-struct edges (not through lists or maps) that close a cycle need a Box."""
        edges = {n: set() for n in self.names}
        for n in self.names:
            for m in self.shapes[n].get("members", {}).values():
                if m["shape"] in self.names:
                    edges[n].add(m["shape"])
        boxed = set()
        for start in self.names:
            stack, seen = list(edges[start]), set()
            while stack:
                cur = stack.pop()
                if cur == start:
                    boxed.add(start)
                    break
                if cur in seen:
                    continue
                seen.add(cur)
                stack.extend(edges[cur])
        return boxed

    def rust_type(self, shape_name):
        shape = self.shapes[shape_name]
        t = shape["type"]
        if t in PRIMITIVE:
            return PRIMITIVE[t]
        if t == "list":
            return f"Vec<{self.rust_type(shape['member']['shape'])}>"
        if t == "map":
            return f"BTreeMap<String, {self.rust_type(shape['value']['shape'])}>"
        if t == "structure":
            if shape.get("document"):
                return "Document"
            return self.names[shape_name]
        sys.exit(f"{self.service}: unknown shape type {t} for {shape_name}")

    def struct(self, name):
        shape = self.shapes[name]
        rust = self.names[name]
        required = set(shape.get("required", []))
        lines = [f"/// Shape `{name}` of the {self.service} model.",
                 "#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]",
                 f"pub struct {rust} {{"]
        used = set()
        members = shape.get("members", {})
        for member, spec in members.items():
            field = snake(member)
            while field in used:
                field += "_2"
            used.add(field)
            ty = self.rust_type(spec["shape"])
            if spec["shape"] in self.recursive and self.shapes[spec["shape"]]["type"] == "structure" and name in self.recursive:
                ty = f"Box<{ty}>"
            if member in required:
                attrs = f'#[serde(rename = "{member}")]'
                lines.append(f"    {attrs}\n    pub {field}: {ty},")
            else:
                attrs = f'#[serde(rename = "{member}", default, skip_serializing_if = "Option::is_none")]'
                lines.append(f"    {attrs}\n    pub {field}: Option<{ty}>,")
        lines.append("}")
        member_list = ", ".join(f'"{m}"' for m in members)
        lines.append(f"impl Shape for {rust} {{\n    const SHAPE: &'static str = \"{name}\";\n"
                     f"    const MEMBERS: &'static [&'static str] = &[{member_list}];\n}}")
        return "\n".join(lines)

    def operation(self, op_name, op):
        marker = op_name
        if marker in self.names.values():
            marker += "Op"
        inp = self.names[op["input"]["shape"]] if "input" in op else "Empty"
        out = self.names[op["output"]["shape"]] if "output" in op else "Empty"
        return (f"/// The `{op_name}` operation of {self.service}.\n"
                f"#[derive(Debug, Clone, Copy, Default)]\npub struct {marker};\n"
                f"impl Operation for {marker} {{\n"
                f"    const SERVICE: &'static str = \"{self.service}\";\n"
                f"    const NAME: &'static str = \"{op_name}\";\n"
                f"    type Input = {inp};\n    type Output = {out};\n}}")

    def render(self):
        parts = [f"//! Typed shapes and operations of `{self.service}`, generated by tools/models/gen_types.py",
                 f"//! from model/data/{self.service}.json. Do not edit by hand: change the generator or the model.",
                 "#![allow(clippy::all, clippy::pedantic, unused_imports)]",
                 "",
                 "use std::collections::BTreeMap;",
                 "",
                 "use serde::{Deserialize, Serialize};",
                 "",
                 "#[allow(unused_imports)]",
                 "use crate::value::{Blob, Document, Timestamp};",
                 "use crate::{Empty, Operation, Shape};",
                 ""]
        for op_name, op in self.model["operations"].items():
            parts.append(self.operation(op_name, op))
            parts.append("")
        for name in self.names:
            parts.append(self.struct(name))
            parts.append("")
        parts.append("/// Every generated structure: (model shape name, member names), for the drift test.")
        parts.append("pub const SHAPES: &[(&str, &[&str])] = &[")
        for name in self.names:
            parts.append(f"    ({self.names[name]}::SHAPE, {self.names[name]}::MEMBERS),")
        parts.append("];")
        return "\n".join(parts).rstrip() + "\n"

def rust_module(service):
    """The Rust module name of a botocore service name."""
    return service.replace("-", "_")

def main():
    check = "--check" in sys.argv
    os.makedirs(OUT, exist_ok=True)
    services = sorted(f[:-5] for f in os.listdir(DATA) if f.endswith(".json"))
    outputs = {}
    for service in services:
        with open(os.path.join(DATA, f"{service}.json")) as f:
            model = json.load(f)
        # A botocore name may hold a hyphen (application-autoscaling): the module is its
        # Rust identifier; SERVICE and MODELS keep botocore's name.
        outputs[f"{rust_module(service)}.rs"] = Gen(service, model).render()
    mods = ["//! Generated modules, one per AWS service (see tools/models/gen_types.py).", ""]
    for service in services:
        mods.append("#[rustfmt::skip]")
        mods.append(f"pub mod {rust_module(service)};")
    mods += ["", "/// The committed service models, by botocore service name.",
             "pub(crate) const MODELS: &[(&str, &str)] = &["]
    for service in services:
        mods.append(f'    ("{service}", include_str!("../../data/{service}.json")),')
    mods.append("];")
    outputs["mod.rs"] = "\n".join(mods) + "\n"
    stale = []
    for name, text in outputs.items():
        path = os.path.join(OUT, name)
        old = open(path).read() if os.path.exists(path) else None
        if old != text:
            stale.append(name)
            if not check:
                with open(path, "w") as f:
                    f.write(text)
    if check and stale:
        sys.exit(f"generated code is stale: {', '.join(stale)}; run tools/models/gen_types.py")
    print(f"{len(outputs)} files, {len(stale)} {'stale' if check else 'written'}")

if __name__ == "__main__":
    main()
