//! Validation of an operation's input, given as JSON with botocore member names, against the
//! service model: unknown members, missing required members, types, enum values, lengths and
//! ranges. This is what botocore checks before it sends a request; hubsim checks the same for
//! scenario steps and for requests arriving over the wire.

use serde_json::Value;

use crate::service_model::{ServiceModel, ShapeModel};
use crate::value::Timestamp;

/// One problem with an input, at a JSON path relative to the input (`IpPermissions[0].FromPort`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Where, e.g. `IpPermissions[0].FromPort`; empty for the input itself.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
    /// What kind of problem it is, so protocols can pick their error code.
    pub kind: InvalidKind,
}

/// The kinds of validation problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidKind {
    /// A required member is absent.
    Missing,
    /// A member the model does not have.
    Unknown,
    /// A value of the wrong JSON type.
    Type,
    /// A value outside the enum, length or range.
    Value,
}

/// Validation stops after this many problems: each problem's message can be long (a value
/// outside an enum lists the enum, ~16 KB for AWS Config's resource types), so a 20 MiB request
/// of bad values would otherwise cost gigabytes to describe. A caller that gets this many says
/// "at least".
pub const MAX_PROBLEMS: usize = 100;

/// Validates `input` against the input shape of `service:operation`. An operation without an
/// input shape accepts only an empty object. At most [`MAX_PROBLEMS`] problems are reported.
pub fn validate_input(model: &ServiceModel, operation: &str, input: &Value) -> Result<(), Vec<Invalid>> {
    validate_input_with(model, operation, input, &|_| false)
}

/// Like [`validate_input`], but values for which `placeholder` answers true (a scenario's
/// `${...}` references, resolved only when the step runs) are accepted wherever they stand.
pub fn validate_input_with(
    model: &ServiceModel,
    operation: &str,
    input: &Value,
    placeholder: &dyn Fn(&Value) -> bool,
) -> Result<(), Vec<Invalid>> {
    let mut problems = Vec::new();
    let Some(op) = model.operation(operation) else {
        problems.push(Invalid {
            path: String::new(),
            message: format!("unknown operation {operation}"),
            kind: InvalidKind::Unknown,
        });
        return Err(problems);
    };
    match &op.input {
        Some(shape_ref) => check(model, &shape_ref.shape, input, &mut String::new(), placeholder, &mut problems),
        None => {
            if !matches!(input, Value::Null) && !matches!(input, Value::Object(m) if m.is_empty()) {
                problems.push(Invalid {
                    path: String::new(),
                    message: format!("{operation} takes no input"),
                    kind: InvalidKind::Unknown,
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Runs `f` with `.member` (or `member` at the top) appended to `path`, then restores `path`.
/// Paths are built in one buffer and copied only into a problem, so a valid input allocates none.
fn with_member<T>(path: &mut String, member: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(member);
    let out = f(path);
    path.truncate(len);
    out
}

/// Like [`with_member`] for a list index (`[i]`).
fn with_index<T>(path: &mut String, i: usize, f: impl FnOnce(&mut String) -> T) -> T {
    use std::fmt::Write;
    let len = path.len();
    let _ = write!(path, "[{i}]");
    let out = f(path);
    path.truncate(len);
    out
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn check(
    model: &ServiceModel,
    shape_name: &str,
    value: &Value,
    path: &mut String,
    placeholder: &dyn Fn(&Value) -> bool,
    out: &mut Vec<Invalid>,
) {
    if placeholder(value) || out.len() >= MAX_PROBLEMS {
        return;
    }
    let Some(shape) = model.shape(shape_name) else {
        out.push(Invalid {
            path: path.clone(),
            message: format!("model has no shape {shape_name}"),
            kind: InvalidKind::Type,
        });
        return;
    };
    let wrong = |expected: &str, out: &mut Vec<Invalid>, path: &mut String| {
        out.push(Invalid {
            message: format!("expected {expected}, found {}", json_type(value)),
            path: path.clone(),
            kind: InvalidKind::Type,
        });
    };
    match shape.kind.as_str() {
        "structure" if shape.document => {}
        "structure" => {
            let Value::Object(map) = value else { return wrong("an object", out, path) };
            for (key, v) in map {
                match shape.members.get(key) {
                    Some(member) => with_member(path, key, |p| check(model, &member.shape, v, p, placeholder, out)),
                    None => {
                        let hint = shape
                            .members
                            .names()
                            .find(|m| m.eq_ignore_ascii_case(key))
                            .map(|m| format!("; did you mean {m}?"))
                            .unwrap_or_else(|| {
                                let names: Vec<&str> = shape.members.names().collect();
                                format!("; members are {}", names.join(", "))
                            });
                        out.push(Invalid {
                            path: with_member(path, key, |p| p.clone()),
                            message: format!("unknown member {key} of {shape_name}{hint}"),
                            kind: InvalidKind::Unknown,
                        });
                    }
                }
            }
            for req in &shape.required {
                if !map.contains_key(req) {
                    out.push(Invalid {
                        path: with_member(path, req, |p| p.clone()),
                        message: format!("missing required member {req} of {shape_name}"),
                        kind: InvalidKind::Missing,
                    });
                }
            }
        }
        "list" => {
            let Value::Array(items) = value else { return wrong("a list", out, path) };
            length(shape, items.len(), path, out);
            if let Some(member) = &shape.member {
                for (i, item) in items.iter().enumerate() {
                    with_index(path, i, |p| check(model, &member.shape, item, p, placeholder, out));
                }
            }
        }
        "map" => {
            let Value::Object(map) = value else { return wrong("an object", out, path) };
            length(shape, map.len(), path, out);
            if let Some(v) = &shape.value {
                for (key, item) in map {
                    with_member(path, key, |p| check(model, &v.shape, item, p, placeholder, out));
                }
            }
        }
        "string" => {
            let Value::String(s) = value else { return wrong("a string", out, path) };
            if let Some(values) = &shape.enum_values {
                if !values.iter().any(|v| v == s) {
                    out.push(Invalid {
                        message: format!("{s:?} is not one of {}", values.join(", ")),
                        path: path.clone(),
                        kind: InvalidKind::Value,
                    });
                    return;
                }
            }
            if shape.min.is_some() || shape.max.is_some() {
                length(shape, s.chars().count(), path, out);
            }
        }
        "boolean" => {
            if !value.is_boolean() {
                wrong("a boolean", out, path)
            }
        }
        "integer" | "long" => {
            let n = match value {
                Value::Number(n) => n.as_i64(),
                _ => None,
            };
            let Some(n) = n else { return wrong("an integer", out, path) };
            if shape.kind == "integer" && i32::try_from(n).is_err() {
                out.push(Invalid {
                    message: format!("{n} does not fit a 32-bit integer"),
                    path: path.clone(),
                    kind: InvalidKind::Value,
                });
                return;
            }
            range(shape, n as f64, path, out);
        }
        "float" | "double" => {
            let Some(n) = value.as_f64() else { return wrong("a number", out, path) };
            range(shape, n, path, out);
        }
        "timestamp" => match value {
            Value::Number(_) => {}
            Value::String(s) if Timestamp::parse_iso8601(s).is_some() => {}
            Value::String(s) => out.push(Invalid {
                message: format!("{s:?} is not an ISO-8601 timestamp"),
                path: path.clone(),
                kind: InvalidKind::Value,
            }),
            _ => wrong("a timestamp", out, path),
        },
        "blob" => {
            use base64::Engine;
            let Value::String(s) = value else { return wrong("a base64 string", out, path) };
            if base64::engine::general_purpose::STANDARD.decode(s).is_err() {
                out.push(Invalid {
                    message: "is not valid base64".into(),
                    path: path.clone(),
                    kind: InvalidKind::Value,
                });
            }
        }
        other => out.push(Invalid {
            message: format!("unsupported shape type {other}"),
            path: path.clone(),
            kind: InvalidKind::Type,
        }),
    }
}

fn length(shape: &ShapeModel, len: usize, path: &str, out: &mut Vec<Invalid>) {
    if let Some(min) = shape.min {
        if (len as f64) < min {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("length {len} is below the minimum {min}"),
                kind: InvalidKind::Value,
            });
        }
    }
    if let Some(max) = shape.max {
        if (len as f64) > max {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("length {len} is above the maximum {max}"),
                kind: InvalidKind::Value,
            });
        }
    }
}

fn range(shape: &ShapeModel, n: f64, path: &str, out: &mut Vec<Invalid>) {
    if let Some(min) = shape.min {
        if n < min {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("{n} is below the minimum {min}"),
                kind: InvalidKind::Value,
            });
        }
    }
    if let Some(max) = shape.max {
        if n > max {
            out.push(Invalid {
                path: path.to_string(),
                message: format!("{n} is above the maximum {max}"),
                kind: InvalidKind::Value,
            });
        }
    }
}

/// Whether `input`, a typed value, would pass [`validate_input`] in its JSON form, answered by
/// walking its serialization against the model without building that form (no allocation).
///
/// `true` means [`validate_input`] of `serde_json::to_value(input)` would accept it. `false`
/// means it might not: the caller asks [`validate_input`] for the problems. Rare forms that the
/// generated shapes never produce (enum variants with data, byte arrays, non-string map keys,
/// operations without an input shape) answer `false` too, so the two do not disagree on a
/// valid input. (One form is judged differently: a hand-written `Serialize` that repeats a map
/// key, which `to_value` collapses into one entry. Neither the generated shapes nor the
/// standard maps do that.)
pub fn conforms<T: serde::Serialize + ?Sized>(model: &ServiceModel, operation: &str, input: &T) -> bool {
    let Some(shape_ref) = model.operation(operation).and_then(|op| op.input.as_ref()) else { return false };
    let model = conform::Resolver::of(model);
    match model.resolve(shape_ref) {
        Some(shape) => input.serialize(conform::Conform { model, shape }).is_ok(),
        None => false,
    }
}

/// The serializer behind [`conforms`]: each method checks the JSON value `serde_json::to_value`
/// would make of that call against the shape, as [`check`] does, and stops at the first doubt.
mod conform {
    use std::collections::HashMap;
    use std::fmt;
    use std::hash::{BuildHasherDefault, Hasher};
    use std::sync::OnceLock;

    use serde::ser::{self, Serialize};

    use super::ServiceModel;
    use crate::service_model::{ShapeModel, ShapeRef};
    use crate::value::Timestamp;

    /// Hashes an address (a multiply is enough for distinct aligned pointers).
    #[derive(Default)]
    pub(super) struct AddressHasher(u64);

    impl Hasher for AddressHasher {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            }
        }
        fn write_usize(&mut self, n: usize) {
            self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    /// Shape references resolved by their address, so that checking a value does not look its
    /// shape up by name each time (a string-keyed tree walk per member).
    type Links = HashMap<usize, &'static ShapeModel, BuildHasherDefault<AddressHasher>>;

    /// A structure's member with its shape resolved and its place among the required members.
    pub(super) struct MemberLink {
        name: &'static str,
        /// `None` when the model lacks the member's shape.
        shape: Option<Shape<'static>>,
        /// Its index in the structure's `required` list.
        required: Option<u32>,
    }

    /// Each structure's members, by the structure shape's address: a member is found by name
    /// among its neighbours and needs no further lookup.
    type Structures = HashMap<usize, Box<[MemberLink]>, BuildHasherDefault<AddressHasher>>;

    /// Resolves a model's shape references: through the links of the committed models, by name
    /// for any other model.
    #[derive(Clone, Copy)]
    pub(super) struct Resolver<'m> {
        model: &'m ServiceModel,
        links: Option<&'static (Links, Structures)>,
    }

    impl<'m> Resolver<'m> {
        pub(super) fn of(model: &'m ServiceModel) -> Resolver<'m> {
            static ALL: OnceLock<Vec<(usize, (Links, Structures))>> = OnceLock::new();
            let all = ALL.get_or_init(|| {
                crate::service_names()
                    .filter_map(crate::service)
                    .map(|m| (m as *const ServiceModel as usize, links_of(m)))
                    .collect()
            });
            let at = model as *const ServiceModel as usize;
            Resolver { model, links: all.iter().find(|(m, _)| *m == at).map(|(_, l)| l) }
        }

        /// The shape `r` refers to; `None` when the model lacks it ([`super::check`] reports that).
        pub(super) fn resolve(self, r: &ShapeRef) -> Option<Shape<'m>> {
            let links = self.links.and_then(|(l, _)| l.get(&(r as *const ShapeRef as usize)).copied());
            let shape = match links {
                Some(shape) => shape,
                None => self.model.shape(&r.shape)?,
            };
            Some(checked_as(shape))
        }

        /// The members of `structure` with their shapes resolved, for the committed models.
        fn members(self, structure: &ShapeModel) -> Option<&'static [MemberLink]> {
            let (_, structures) = self.links?;
            structures.get(&(structure as *const ShapeModel as usize)).map(|m| &**m)
        }
    }

    /// What a value of `shape` is checked against (a document is anything).
    fn checked_as(shape: &ShapeModel) -> Shape<'_> {
        if shape.kind == "structure" && shape.document {
            Shape::Any
        } else {
            Shape::Model(shape)
        }
    }

    fn links_of(model: &'static ServiceModel) -> (Links, Structures) {
        let mut links = Links::default();
        let mut add = |r: &'static ShapeRef| {
            if let Some(shape) = model.shape(&r.shape) {
                links.insert(r as *const ShapeRef as usize, shape);
            }
        };
        for op in model.operations.values() {
            op.input.iter().for_each(&mut add);
        }
        let mut structures = Structures::default();
        for shape in model.shapes.values() {
            shape.members.0.iter().for_each(|(_, r)| add(r));
            shape.member.iter().chain(&shape.value).for_each(&mut add);
            if shape.kind == "structure" {
                let members = shape.members.0.iter().map(|(name, r)| MemberLink {
                    name,
                    shape: model.shape(&r.shape).map(checked_as),
                    required: shape.required.iter().position(|q| q == name).map(|i| i as u32),
                });
                structures.insert(shape as *const ShapeModel as usize, members.collect());
            }
        }
        (links, structures)
    }

    /// A doubt: the input may not conform (the error of every method here).
    #[derive(Debug)]
    pub(super) struct Doubt;

    impl fmt::Display for Doubt {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the input may not conform to its shape")
        }
    }

    impl std::error::Error for Doubt {}

    impl ser::Error for Doubt {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Doubt
        }
    }

    type R = Result<(), Doubt>;

    /// What a value is checked against: a model shape, or anything (a document).
    #[derive(Clone, Copy)]
    pub(super) enum Shape<'m> {
        Model(&'m ShapeModel),
        Any,
    }

    impl<'m> Shape<'m> {
        fn of(model: Resolver<'m>, r: Option<&ShapeRef>) -> Result<Shape<'m>, Doubt> {
            match r {
                Some(r) => model.resolve(r).ok_or(Doubt),
                None => Ok(Shape::Any),
            }
        }
    }

    /// A JSON scalar as `serde_json::to_value` makes it.
    enum Scalar<'a> {
        Bool,
        Int(i64),
        /// A `u64` above `i64::MAX`.
        Big(u64),
        Float(f64),
        Str(&'a str),
        Null,
    }

    fn within(shape: &ShapeModel, n: f64) -> bool {
        shape.min.is_none_or(|min| n >= min) && shape.max.is_none_or(|max| n <= max)
    }

    fn scalar(shape: Shape<'_>, value: Scalar<'_>) -> R {
        let Shape::Model(shape) = shape else { return Ok(()) };
        let ok = match (shape.kind.as_str(), value) {
            ("string", Scalar::Str(s)) => {
                shape.enum_values.as_ref().is_none_or(|values| values.iter().any(|v| v == s))
                    && (shape.min.is_none() && shape.max.is_none() || within(shape, s.chars().count() as f64))
            }
            ("boolean", Scalar::Bool) => true,
            (kind @ ("integer" | "long"), Scalar::Int(n)) => {
                (kind == "long" || i32::try_from(n).is_ok()) && within(shape, n as f64)
            }
            ("float" | "double", Scalar::Int(n)) => within(shape, n as f64),
            ("float" | "double", Scalar::Big(n)) => within(shape, n as f64),
            ("float" | "double", Scalar::Float(n)) => n.is_finite() && within(shape, n),
            ("timestamp", Scalar::Int(_) | Scalar::Big(_)) => true,
            ("timestamp", Scalar::Float(n)) => n.is_finite(),
            ("timestamp", Scalar::Str(s)) => Timestamp::parse_iso8601(s).is_some(),
            ("blob", Scalar::Str(s)) => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.decode(s).is_ok()
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(Doubt)
        }
    }

    /// Checks one serialized value against `shape`.
    pub(super) struct Conform<'m> {
        pub(super) model: Resolver<'m>,
        pub(super) shape: Shape<'m>,
    }

    impl<'m> Conform<'m> {
        fn object(self) -> Result<Object<'m>, Doubt> {
            let kind = match self.shape {
                Shape::Any => ObjectKind::Any,
                Shape::Model(s) if s.kind == "structure" => {
                    if s.required.len() > 64 {
                        return Err(Doubt);
                    }
                    ObjectKind::Structure { shape: s, members: self.model.members(s), next: 0, required_seen: 0 }
                }
                Shape::Model(s) if s.kind == "map" => {
                    ObjectKind::Map { shape: s, values: Shape::of(self.model, s.value.as_ref())?, len: 0 }
                }
                Shape::Model(_) => return Err(Doubt),
            };
            Ok(Object { model: self.model, kind, pending: None })
        }

        fn list(self) -> Result<List<'m>, Doubt> {
            match self.shape {
                Shape::Any => Ok(List { model: self.model, shape: None, items: Some(Shape::Any), len: 0 }),
                Shape::Model(s) if s.kind == "list" => {
                    let items = match &s.member {
                        Some(r) => self.model.resolve(r),
                        None => Some(Shape::Any),
                    };
                    Ok(List { model: self.model, shape: Some(s), items, len: 0 })
                }
                Shape::Model(_) => Err(Doubt),
            }
        }
    }

    /// A list being checked.
    pub(super) struct List<'m> {
        model: Resolver<'m>,
        /// `None` inside a document.
        shape: Option<&'m ShapeModel>,
        /// `None` when the model lacks the member shape: a problem once there is an item.
        items: Option<Shape<'m>>,
        len: usize,
    }

    impl List<'_> {
        fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            self.len += 1;
            value.serialize(Conform { model: self.model, shape: self.items.ok_or(Doubt)? })
        }

        fn finish(self) -> R {
            match self.shape {
                Some(s) if !within(s, self.len as f64) => Err(Doubt),
                _ => Ok(()),
            }
        }
    }

    enum ObjectKind<'m> {
        Any,
        /// `next`: where the next member is likely to be (fields arrive in model order).
        Structure {
            shape: &'m ShapeModel,
            /// Its members resolved ahead (the committed models).
            members: Option<&'static [MemberLink]>,
            next: usize,
            required_seen: u64,
        },
        Map {
            shape: &'m ShapeModel,
            values: Shape<'m>,
            len: usize,
        },
    }

    /// A JSON object being checked (a structure, a map, or part of a document).
    pub(super) struct Object<'m> {
        model: Resolver<'m>,
        kind: ObjectKind<'m>,
        /// The shape of the value whose key came last (maps given key and value apart).
        pending: Option<Shape<'m>>,
    }

    impl<'m> Object<'m> {
        /// The shape of the value of member `key`.
        fn member(&mut self, key: &str) -> Result<Shape<'m>, Doubt> {
            match &mut self.kind {
                ObjectKind::Any => Ok(Shape::Any),
                ObjectKind::Map { values, len, .. } => {
                    *len += 1;
                    Ok(*values)
                }
                ObjectKind::Structure { members: Some(members), next, required_seen, .. } => {
                    let at = (*next..members.len()).chain(0..*next).find(|&i| members[i].name == key).ok_or(Doubt)?;
                    *next = at + 1;
                    let member = &members[at];
                    if let Some(i) = member.required {
                        *required_seen |= 1 << i;
                    }
                    member.shape.ok_or(Doubt)
                }
                ObjectKind::Structure { shape, members: None, next, required_seen } => {
                    let members = &shape.members.0;
                    let at = (*next..members.len()).chain(0..*next).find(|&i| members[i].0 == key).ok_or(Doubt)?;
                    *next = at + 1;
                    if let Some(i) = shape.required.iter().position(|r| r == key) {
                        *required_seen |= 1 << i;
                    }
                    self.model.resolve(&members[at].1).ok_or(Doubt)
                }
            }
        }

        fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> R {
            let shape = self.member(key)?;
            value.serialize(Conform { model: self.model, shape })
        }

        fn finish(self) -> R {
            let ok = match self.kind {
                ObjectKind::Any => true,
                ObjectKind::Map { shape, len, .. } => within(shape, len as f64),
                ObjectKind::Structure { shape, required_seen, .. } => {
                    let all = if shape.required.len() == 64 { u64::MAX } else { (1u64 << shape.required.len()) - 1 };
                    required_seen == all
                }
            };
            if ok {
                Ok(())
            } else {
                Err(Doubt)
            }
        }
    }

    /// Takes a map key into its object; only string keys are accepted (others are a doubt).
    struct Key<'o, 'm>(&'o mut Object<'m>);

    macro_rules! doubt {
        ($($name:ident($($arg:ty),*)),* $(,)?) => {
            $(fn $name(self, $(_: $arg),*) -> R { Err(Doubt) })*
        };
    }

    /// Serializer methods for integers that fit an `i64` (as `to_value` stores them).
    macro_rules! integers {
        ($($name:ident($ty:ty)),* $(,)?) => {
            $(fn $name(self, v: $ty) -> R { scalar(self.shape, Scalar::Int(v.into())) })*
        };
    }

    impl ser::Serializer for Key<'_, '_> {
        type Ok = ();
        type Error = Doubt;
        type SerializeSeq = ser::Impossible<(), Doubt>;
        type SerializeTuple = ser::Impossible<(), Doubt>;
        type SerializeTupleStruct = ser::Impossible<(), Doubt>;
        type SerializeTupleVariant = ser::Impossible<(), Doubt>;
        type SerializeMap = ser::Impossible<(), Doubt>;
        type SerializeStruct = ser::Impossible<(), Doubt>;
        type SerializeStructVariant = ser::Impossible<(), Doubt>;

        fn serialize_str(self, v: &str) -> R {
            self.0.pending = Some(self.0.member(v)?);
            Ok(())
        }
        doubt!(
            serialize_bool(bool),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_f32(f32),
            serialize_f64(f64),
            serialize_char(char),
            serialize_bytes(&[u8]),
            serialize_none(),
            serialize_unit(),
            serialize_unit_struct(&'static str),
            serialize_unit_variant(&'static str, u32, &'static str),
        );
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> R {
            Err(Doubt)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> R {
            Err(Doubt)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> R {
            Err(Doubt)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Doubt> {
            Err(Doubt)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Doubt> {
            Err(Doubt)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Doubt> {
            Err(Doubt)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Doubt> {
            Err(Doubt)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Doubt> {
            Err(Doubt)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Doubt> {
            Err(Doubt)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Doubt> {
            Err(Doubt)
        }
    }

    impl<'m> ser::Serializer for Conform<'m> {
        type Ok = ();
        type Error = Doubt;
        type SerializeSeq = List<'m>;
        type SerializeTuple = List<'m>;
        type SerializeTupleStruct = List<'m>;
        type SerializeTupleVariant = ser::Impossible<(), Doubt>;
        type SerializeMap = Object<'m>;
        type SerializeStruct = Object<'m>;
        type SerializeStructVariant = ser::Impossible<(), Doubt>;

        fn serialize_bool(self, _: bool) -> R {
            scalar(self.shape, Scalar::Bool)
        }
        integers!(serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64));
        integers!(serialize_u8(u8), serialize_u16(u16), serialize_u32(u32));
        fn serialize_u64(self, v: u64) -> R {
            scalar(self.shape, i64::try_from(v).map_or(Scalar::Big(v), Scalar::Int))
        }
        fn serialize_f32(self, v: f32) -> R {
            self.serialize_f64(v.into())
        }
        fn serialize_f64(self, v: f64) -> R {
            // `to_value` turns a non-finite float into null.
            scalar(self.shape, if v.is_finite() { Scalar::Float(v) } else { Scalar::Null })
        }
        fn serialize_char(self, v: char) -> R {
            scalar(self.shape, Scalar::Str(v.encode_utf8(&mut [0; 4])))
        }
        fn serialize_str(self, v: &str) -> R {
            scalar(self.shape, Scalar::Str(v))
        }
        fn serialize_bytes(self, _: &[u8]) -> R {
            match self.shape {
                Shape::Any => Ok(()),
                Shape::Model(_) => Err(Doubt),
            }
        }
        fn serialize_none(self) -> R {
            scalar(self.shape, Scalar::Null)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
            value.serialize(self)
        }
        fn serialize_unit(self) -> R {
            scalar(self.shape, Scalar::Null)
        }
        fn serialize_unit_struct(self, _: &'static str) -> R {
            scalar(self.shape, Scalar::Null)
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
            scalar(self.shape, Scalar::Str(variant))
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> R {
            Err(Doubt)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<List<'m>, Doubt> {
            self.list()
        }
        fn serialize_tuple(self, _: usize) -> Result<List<'m>, Doubt> {
            self.list()
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<List<'m>, Doubt> {
            self.list()
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Doubt> {
            Err(Doubt)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Object<'m>, Doubt> {
            self.object()
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'m>, Doubt> {
            self.object()
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Doubt> {
            Err(Doubt)
        }
    }

    macro_rules! list_impl {
        ($($trait:ident :: $method:ident),*) => {
            $(impl ser::$trait for List<'_> {
                type Ok = ();
                type Error = Doubt;
                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
                    self.item(value)
                }
                fn end(self) -> R {
                    self.finish()
                }
            })*
        };
    }

    list_impl!(
        SerializeSeq::serialize_element,
        SerializeTuple::serialize_element,
        SerializeTupleStruct::serialize_field
    );

    impl ser::SerializeMap for Object<'_> {
        type Ok = ();
        type Error = Doubt;
        fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
            key.serialize(Key(self))
        }
        fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            let shape = self.pending.take().ok_or(Doubt)?;
            value.serialize(Conform { model: self.model, shape })
        }
        fn end(self) -> R {
            self.finish()
        }
    }

    impl ser::SerializeStruct for Object<'_> {
        type Ok = ();
        type Error = Doubt;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
            self.entry(key, value)
        }
        fn end(self) -> R {
            self.finish()
        }
    }
}

/// One step of a path into an operation's output: a member or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.Member`
    Member(String),
    /// `[index]`
    Index(usize),
}

/// Checks that `path` names something inside the output of `operation` (members exist, indexes
/// apply to lists, map keys to maps). Returns the reason when it does not.
pub fn check_output_path(model: &ServiceModel, operation: &str, path: &[PathStep]) -> Result<(), String> {
    let op = model.operation(operation).ok_or_else(|| format!("unknown operation {operation}"))?;
    let Some(out) = &op.output else {
        return if path.is_empty() { Ok(()) } else { Err(format!("{operation} has no output")) };
    };
    let mut shape_name = out.shape.clone();
    for step in path {
        let shape = model.shape(&shape_name).ok_or_else(|| format!("model has no shape {shape_name}"))?;
        match (step, shape.kind.as_str()) {
            (PathStep::Member(m), "structure") => match shape.members.get(m) {
                Some(r) => shape_name = r.shape.clone(),
                None => {
                    let names: Vec<&str> = shape.members.names().collect();
                    return Err(format!("{shape_name} has no member {m} (members: {})", names.join(", ")));
                }
            },
            (PathStep::Member(_), "map") => match &shape.value {
                Some(v) => shape_name = v.shape.clone(),
                None => return Err(format!("{shape_name} has no values")),
            },
            (PathStep::Index(_), "list") => match &shape.member {
                Some(m) => shape_name = m.shape.clone(),
                None => return Err(format!("{shape_name} has no members")),
            },
            (PathStep::Member(m), kind) => return Err(format!("cannot read .{m} of a {kind}")),
            (PathStep::Index(i), kind) => return Err(format!("cannot index [{i}] into a {kind}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validates_like_botocore() {
        let ec2 = crate::service("ec2").unwrap();
        assert!(validate_input(ec2, "DescribeVpcs", &json!({})).is_ok());
        let e = validate_input(ec2, "CreateNetworkAclEntry", &json!({"NetworkAclId": "acl-1", "RuleNumber": "100"}))
            .unwrap_err();
        let paths: Vec<(&str, InvalidKind)> = e.iter().map(|p| (p.path.as_str(), p.kind)).collect();
        assert!(paths.contains(&("RuleNumber", InvalidKind::Type)), "{e:?}");
        assert!(paths.contains(&("Protocol", InvalidKind::Missing)), "{e:?}");
        let e = validate_input(ec2, "DescribeVpcs", &json!({"VpcIds": ["vpc-1"], "Colour": 1})).unwrap_err();
        assert_eq!(e[0].kind, InvalidKind::Unknown);
        let s3 = crate::service("s3").unwrap();
        let e = validate_input(
            s3,
            "PutBucketVersioning",
            &json!({"Bucket": "b", "VersioningConfiguration": {"Status": "On"}}),
        )
        .unwrap_err();
        assert_eq!((e[0].path.as_str(), e[0].kind), ("VersioningConfiguration.Status", InvalidKind::Value));
        let e = validate_input(s3, "CreateBucket", &json!({"bucket": "b"})).unwrap_err();
        assert!(e[0].message.contains("did you mean Bucket"), "{e:?}");
    }

    #[test]
    fn validation_stops_after_max_problems() {
        let config = crate::service("config").unwrap();
        let types = vec!["AWS::EC2::NoSuchThing"; 200_000];
        let input = json!({"ConfigurationRecorder": {"name": "default", "roleARN": "arn:aws:iam::123456789012:role/c",
            "recordingGroup": {"allSupported": false, "resourceTypes": types}}});
        let e = validate_input(config, "PutConfigurationRecorder", &input).unwrap_err();
        assert_eq!(e.len(), MAX_PROBLEMS);
        assert_eq!(e[0].path, "ConfigurationRecorder.recordingGroup.resourceTypes[0]");
        assert_eq!(
            e[MAX_PROBLEMS - 1].path,
            format!("ConfigurationRecorder.recordingGroup.resourceTypes[{}]", MAX_PROBLEMS - 1)
        );
        // Fewer problems than the cap are all reported.
        let few = json!({"ConfigurationRecorder": {"name": "default", "roleARN": "arn:aws:iam::123456789012:role/c",
            "recordingGroup": {"allSupported": false, "resourceTypes": vec!["AWS::EC2::NoSuchThing"; 7]}}});
        assert_eq!(validate_input(config, "PutConfigurationRecorder", &few).unwrap_err().len(), 7);
    }

    /// `conforms` answers true exactly when `validate_input` of the same JSON finds nothing
    /// (the cases here are all forms `conforms` decides rather than doubts).
    #[test]
    fn conforms_agrees_with_validate_input() {
        let cases = [
            ("ec2", "DescribeVpcs", json!({})),
            ("ec2", "DescribeVpcs", json!({"VpcIds": ["vpc-1"], "Colour": 1})),
            ("ec2", "DescribeVpcs", json!({"VpcIds": "vpc-1"})),
            ("ec2", "CreateNetworkAclEntry", json!({"NetworkAclId": "acl-1", "RuleNumber": "100"})),
            (
                "ec2",
                "CreateNetworkAclEntry",
                json!({"NetworkAclId": "acl-1", "RuleNumber": 100, "Protocol": "-1", "RuleAction": "deny", "Egress": false}),
            ),
            (
                "ec2",
                "CreateNetworkAclEntry",
                json!({"NetworkAclId": "acl-1", "RuleNumber": 100, "Protocol": "-1", "RuleAction": "maybe", "Egress": false}),
            ),
            (
                "ec2",
                "CreateNetworkAclEntry",
                json!({"NetworkAclId": "acl-1", "RuleNumber": 5_000_000_000i64, "Protocol": "-1", "RuleAction": "deny", "Egress": false}),
            ),
            (
                "ec2",
                "CreateNetworkAclEntry",
                json!({"NetworkAclId": "acl-1", "RuleNumber": 1.5, "Protocol": "-1", "RuleAction": "deny", "Egress": false}),
            ),
            ("s3", "PutBucketVersioning", json!({"Bucket": "b", "VersioningConfiguration": {"Status": "On"}})),
            ("s3", "PutBucketVersioning", json!({"Bucket": "b", "VersioningConfiguration": {"Status": "Enabled"}})),
            ("s3", "PutBucketVersioning", json!({"Bucket": "b", "VersioningConfiguration": null})),
            ("s3", "CreateBucket", json!({"bucket": "b"})),
            ("s3", "CreateBucket", json!({"Bucket": "b"})),
            ("securityhub", "BatchImportFindings", json!({"Findings": []})),
            ("securityhub", "BatchImportFindings", json!({"Findings": [{"Id": "x"}]})),
            (
                "securityhub",
                "BatchUpdateFindings",
                json!({"FindingIdentifiers": [{"Id": "i", "ProductArn": "p"}], "Workflow": {"Status": "SUPPRESSED"}, "Note": {"Text": "t", "UpdatedBy": "u"}}),
            ),
            (
                "securityhub",
                "BatchUpdateFindings",
                json!({"FindingIdentifiers": [{"Id": "i", "ProductArn": "p"}], "Workflow": {"Status": "ASLEEP"}}),
            ),
            (
                "securityhub",
                "BatchUpdateFindings",
                json!({"FindingIdentifiers": [{"Id": "i", "ProductArn": "p"}], "UserDefinedFields": {"a": "b", "c": 1}}),
            ),
            (
                "securityhub",
                "BatchUpdateFindings",
                json!({"FindingIdentifiers": [{"Id": "i", "ProductArn": "p"}], "UserDefinedFields": {"a": "b"}, "Confidence": 101}),
            ),
        ];
        for (service, operation, input) in cases {
            let model = crate::service(service).unwrap();
            let valid = validate_input(model, operation, &input).is_ok();
            assert_eq!(conforms(model, operation, &input), valid, "{service} {operation} {input}");
        }
    }

    /// A typed finding import, as the evaluator sends it, conforms without building its JSON.
    #[test]
    fn typed_findings_conform() {
        use crate::securityhub as sh;
        let model = crate::service("securityhub").unwrap();
        let mut fields = std::collections::BTreeMap::new();
        fields.insert("aws/securityhub/ProductName".to_string(), "Security Hub".to_string());
        let finding = sh::AwsSecurityFinding {
            schema_version: "2018-10-08".into(),
            id: "f-1".into(),
            product_arn: "arn:aws:securityhub:us-east-1::product/aws/securityhub".into(),
            generator_id: "security-control/S3.1".into(),
            aws_account_id: "123456789012".into(),
            types: Some(vec!["Software and Configuration Checks".into()]),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            severity: Some(sh::Severity { label: Some("HIGH".into()), normalized: Some(70), ..Default::default() }),
            title: "t".into(),
            description: "d".into(),
            product_fields: Some(fields),
            resources: vec![sh::Resource {
                type_: "AwsAccount".into(),
                id: "AWS::::Account:1".into(),
                ..Default::default()
            }],
            compliance: Some(sh::Compliance { status: Some("FAILED".into()), ..Default::default() }),
            ..Default::default()
        };
        let mut request = sh::BatchImportFindingsRequest { findings: vec![finding] };
        let json = serde_json::to_value(&request).unwrap();
        assert!(validate_input(model, "BatchImportFindings", &json).is_ok());
        assert!(conforms(model, "BatchImportFindings", &request));
        // The journal writes the typed value's text: the same as its JSON form's.
        assert_eq!(serde_json::to_string(&request).unwrap(), serde_json::to_string(&json).unwrap());
        request.findings[0].severity.as_mut().unwrap().label = Some("DIRE".into());
        let json = serde_json::to_value(&request).unwrap();
        assert!(validate_input(model, "BatchImportFindings", &json).is_err());
        assert!(!conforms(model, "BatchImportFindings", &request));
    }

    #[test]
    fn output_paths_are_checked() {
        let ec2 = crate::service("ec2").unwrap();
        let ok = [PathStep::Member("SecurityGroups".into()), PathStep::Index(0), PathStep::Member("GroupId".into())];
        assert!(check_output_path(ec2, "DescribeSecurityGroups", &ok).is_ok());
        let bad = [PathStep::Member("SecurityGroups".into()), PathStep::Member("GroupId".into())];
        assert!(check_output_path(ec2, "DescribeSecurityGroups", &bad).is_err());
    }
}
