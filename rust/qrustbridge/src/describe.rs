//! Describing commands: the [`Describe`] trait, the [`Registry`] of named
//! types, and the description a backend prints for `--describe`.
//!
//! A type describes itself as a *type reference* (docs/contract.md, "The
//! description"): a primitive like `"u64"`, a composite like
//! `{"list": "string"}`, or `{"ref": "Name"}` for a named type, whose
//! definition goes into the registry once. `#[derive(Describe)]` writes
//! the impl for structs and enums, following their serde attributes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{json, Map, Value};

/// The description format version this crate writes.
pub const FORMAT_VERSION: u64 = 1;

/// A type that can say what it looks like in JSON.
///
/// Derive it (`#[derive(Describe)]`, next to serde's derives) rather than
/// implementing it: the derive reads the serde attributes, so that the
/// description matches the wire. A hand-written impl returns a type
/// reference, and registers a named type through [`Registry::named`].
pub trait Describe {
    /// This type as a type reference; named types it uses are added to
    /// `registry`.
    fn describe(registry: &mut Registry) -> Value;
}

/// The named types met while describing, each defined once.
///
/// A type being defined is already known by name, so a recursive type
/// (`struct Tree { children: Vec<Tree> }`) refers to itself instead of
/// recursing forever.
#[derive(Debug, Default)]
pub struct Registry {
    types: BTreeMap<String, Entry>,
    errors: Vec<String>,
}

#[derive(Debug)]
struct Entry {
    /// `std::any::type_name`, to tell two Rust types of the same name apart.
    rust_type: &'static str,
    definition: Option<Value>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Describes `T`: its type reference, with its named types registered.
    pub fn describe<T: Describe + ?Sized>(&mut self) -> Value {
        T::describe(self)
    }

    /// Registers the named type `T` as `name` and returns `{"ref": name}`.
    /// `define` makes the definition (an object with `kind`, `doc` and the
    /// members of that kind; `name` is added here) and runs only the first
    /// time. Two different Rust types with the same name are an error,
    /// reported by [`errors`](Self::errors).
    pub fn named<T: ?Sized, F: FnOnce(&mut Registry) -> Value>(&mut self, name: &str, define: F) -> Value {
        let rust_type = std::any::type_name::<T>();
        match self.types.get(name) {
            Some(entry) => {
                if entry.rust_type != rust_type {
                    let error = format!("two types are named {:?}: {} and {}", name, entry.rust_type, rust_type);
                    if !self.errors.contains(&error) {
                        self.errors.push(error);
                    }
                }
            }
            None => {
                self.types.insert(name.to_owned(), Entry { rust_type, definition: None });
                let mut definition = define(self);
                if let Value::Object(members) = &mut definition {
                    members.insert("name".to_owned(), Value::from(name));
                }
                if let Some(entry) = self.types.get_mut(name) {
                    entry.definition = Some(definition);
                }
            }
        }
        json!({ "ref": name })
    }

    /// The definitions, sorted by name.
    pub fn types(&self) -> Vec<Value> {
        self.types.values().filter_map(|e| e.definition.clone()).collect()
    }

    /// Problems found, such as two types sharing one name.
    pub fn errors(&self) -> &[String] {
        &self.errors
    }
}

/// One command as a backend registered it.
#[derive(Clone, Copy)]
pub(crate) struct CommandTypes {
    pub streaming: bool,
    pub params: fn(&mut Registry) -> Value,
    pub result: fn(&mut Registry) -> Value,
}

/// A description function for types only known as JSON.
pub(crate) fn json_type(_: &mut Registry) -> Value {
    Value::from("json")
}

/// What [`Describe`] of `T` is, as a function pointer to keep per command.
pub(crate) fn describer<T: Describe + ?Sized>() -> fn(&mut Registry) -> Value {
    T::describe
}

/// Everything needed to build the description.
pub(crate) struct CommandSet<'a> {
    pub backend: &'a str,
    pub commands: BTreeMap<&'a str, CommandTypes>,
    pub docs: &'a HashMap<String, String>,
    pub chunks: &'a HashMap<String, fn(&mut Registry) -> Value>,
    pub results: &'a HashMap<String, fn(&mut Registry) -> Value>,
}

/// The description (with its `schema`) and the problems found making it.
pub(crate) fn build(set: &CommandSet<'_>) -> (Value, Vec<String>) {
    let mut registry = Registry::new();
    let mut commands = Vec::new();
    for (name, types) in &set.commands {
        let mut command = Map::new();
        command.insert("name".to_owned(), Value::from(*name));
        command.insert("kind".to_owned(), Value::from(if types.streaming { "stream" } else { "call" }));
        command.insert("doc".to_owned(), Value::from(set.docs.get(*name).map_or("", String::as_str)));
        command.insert("params".to_owned(), (types.params)(&mut registry));
        if types.streaming {
            let chunk = set.chunks.get(*name).copied().unwrap_or(json_type);
            command.insert("chunk".to_owned(), chunk(&mut registry));
        }
        let result = set.results.get(*name).copied().unwrap_or(types.result);
        command.insert("result".to_owned(), result(&mut registry));
        commands.push(Value::Object(command));
    }
    let mut description = json!({
        "qrustbridge": FORMAT_VERSION,
        "backend": set.backend,
        "commands": commands,
        "types": registry.types(),
    });
    let schema = schema_of(&description);
    description["schema"] = Value::from(schema);
    (description, registry.errors().to_vec())
}

/// FNV-1a 64 of the compact JSON of `description` (without `schema`), as
/// 16 lowercase hex digits.
pub fn schema_of(description: &Value) -> String {
    let mut without = description.clone();
    if let Value::Object(members) = &mut without {
        members.remove("schema");
    }
    let text = serde_json::to_string(&without).unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:016x}", hash)
}

/// The backend name used when none is set: the program's file name,
/// without `.exe`.
pub(crate) fn default_backend_name() -> String {
    let arg0 = std::env::args_os().next().unwrap_or_default();
    let file = Path::new(&arg0).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let suffix = std::env::consts::EXE_SUFFIX;
    match file.strip_suffix(suffix) {
        Some(stem) if !suffix.is_empty() => stem.to_owned(),
        _ => file,
    }
}

// ---- impls for std types ----

macro_rules! primitive {
    ($name:literal: $($t:ty),*) => {
        $(impl Describe for $t {
            fn describe(_: &mut Registry) -> Value {
                Value::from($name)
            }
        })*
    };
}

primitive!("bool": bool);
primitive!("string": String, str, char, PathBuf, Path);
primitive!("i8": i8);
primitive!("i16": i16);
primitive!("i32": i32);
primitive!("i64": i64, isize);
primitive!("u8": u8);
primitive!("u16": u16);
primitive!("u32": u32);
primitive!("u64": u64, usize);
primitive!("f32": f32);
primitive!("f64": f64, serde_json::Number);
primitive!("null": ());
primitive!("json": Value, Map<String, Value>);

macro_rules! same_as_inner {
    ($($t:ident),*) => {
        $(impl<T: Describe + ?Sized> Describe for $t<T> {
            fn describe(registry: &mut Registry) -> Value {
                T::describe(registry)
            }
        })*
    };
}

same_as_inner!(Box, Arc, Rc);

impl<T: Describe + ?Sized> Describe for &T {
    fn describe(registry: &mut Registry) -> Value {
        T::describe(registry)
    }
}

impl<T: Describe + ToOwned + ?Sized> Describe for Cow<'_, T> {
    fn describe(registry: &mut Registry) -> Value {
        T::describe(registry)
    }
}

impl<T: Describe> Describe for Option<T> {
    fn describe(registry: &mut Registry) -> Value {
        json!({ "option": T::describe(registry) })
    }
}

macro_rules! list {
    ($($t:ident),*) => {
        $(impl<T: Describe> Describe for $t<T> {
            fn describe(registry: &mut Registry) -> Value {
                json!({ "list": T::describe(registry) })
            }
        })*
    };
}

list!(Vec, VecDeque, BTreeSet);

impl<T: Describe, S> Describe for HashSet<T, S> {
    fn describe(registry: &mut Registry) -> Value {
        json!({ "list": T::describe(registry) })
    }
}

impl<T: Describe> Describe for [T] {
    fn describe(registry: &mut Registry) -> Value {
        json!({ "list": T::describe(registry) })
    }
}

impl<T: Describe, const N: usize> Describe for [T; N] {
    fn describe(registry: &mut Registry) -> Value {
        json!({ "list": T::describe(registry) })
    }
}

/// Map keys that serde writes as JSON strings.
pub trait MapKey {}
impl MapKey for String {}
impl MapKey for str {}
impl<T: MapKey + ?Sized> MapKey for &T {}
impl MapKey for Cow<'_, str> {}

impl<K: MapKey, V: Describe, S> Describe for HashMap<K, V, S> {
    fn describe(registry: &mut Registry) -> Value {
        json!({ "map": V::describe(registry) })
    }
}

impl<K: MapKey, V: Describe> Describe for BTreeMap<K, V> {
    fn describe(registry: &mut Registry) -> Value {
        json!({ "map": V::describe(registry) })
    }
}

macro_rules! tuple {
    ($($t:ident),+) => {
        impl<$($t: Describe),+> Describe for ($($t,)+) {
            fn describe(registry: &mut Registry) -> Value {
                json!({ "tuple": [$($t::describe(registry)),+] })
            }
        }
    };
}

tuple!(A);
tuple!(A, B);
tuple!(A, B, C);
tuple!(A, B, C, D);
tuple!(A, B, C, D, E);
tuple!(A, B, C, D, E, F);
tuple!(A, B, C, D, E, F, G);
tuple!(A, B, C, D, E, F, G, H);

/// What `#[derive(Describe)]` expands to. Not a stable API.
#[doc(hidden)]
pub mod derive_support {
    use serde_json::{json, Value};

    pub fn primitive(name: &str) -> Value {
        Value::from(name)
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        json!({ "tuple": items })
    }

    pub fn field(name: &str, ty: Value, optional: bool, doc: &str) -> Value {
        json!({ "name": name, "type": ty, "optional": optional, "doc": doc })
    }

    pub fn struct_type(doc: &str, fields: Vec<Value>) -> Value {
        json!({ "kind": "struct", "doc": doc, "fields": fields })
    }

    pub fn enum_type(doc: &str, variants: Vec<Value>) -> Value {
        json!({ "kind": "enum", "doc": doc, "variants": variants })
    }

    pub fn union_type(doc: &str, tag: Option<&str>, content: Option<&str>, untagged: bool, variants: Vec<Value>) -> Value {
        let mut union = json!({ "kind": "union", "doc": doc, "tag": tag, "content": content, "variants": variants });
        if untagged {
            union["untagged"] = Value::Bool(true);
        }
        union
    }

    pub fn variant(name: &str, doc: &str) -> Value {
        json!({ "name": name, "doc": doc })
    }

    pub fn variant_type(name: &str, doc: &str, ty: Value) -> Value {
        json!({ "name": name, "doc": doc, "type": ty })
    }

    pub fn variant_fields(name: &str, doc: &str, fields: Vec<Value>) -> Value {
        json!({ "name": name, "doc": doc, "fields": fields })
    }
}
