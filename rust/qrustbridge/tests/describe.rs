//! `#[derive(Describe)]`, the std impls, the registry and the server's
//! description: each shape and serde attribute against the expected JSON,
//! and, where serde can show it, against what serde actually writes.

mod common;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use qrustbridge::describe::{schema_of, Registry};
use qrustbridge::serde_json::{self, json, Value};
use qrustbridge::{Describe, Responder, Server};
use serde::{Deserialize, Serialize};

use common::{ok, Client};

/// The reference and the definitions (sorted by name) of `T`.
fn describe<T: Describe + ?Sized>() -> (Value, Value) {
    let mut registry = Registry::new();
    let reference = registry.describe::<T>();
    assert!(registry.errors().is_empty(), "{:?}", registry.errors());
    (reference, Value::Array(registry.types()))
}

/// The one definition `T` makes.
fn definition<T: Describe + ?Sized>() -> Value {
    let (reference, types) = describe::<T>();
    let name = reference["ref"].as_str().expect("a named type");
    types.as_array().unwrap().iter().find(|t| t["name"] == name).cloned().unwrap()
}

fn field(name: &str, ty: Value, optional: bool, doc: &str) -> Value {
    json!({"name": name, "type": ty, "optional": optional, "doc": doc})
}

#[test]
fn primitives_and_containers() {
    let cases: Vec<(Value, Value)> = vec![
        (describe::<bool>().0, json!("bool")),
        (describe::<String>().0, json!("string")),
        (describe::<&str>().0, json!("string")),
        (describe::<char>().0, json!("string")),
        (describe::<PathBuf>().0, json!("string")),
        (describe::<Cow<'static, str>>().0, json!("string")),
        (describe::<i8>().0, json!("i8")),
        (describe::<i16>().0, json!("i16")),
        (describe::<i32>().0, json!("i32")),
        (describe::<i64>().0, json!("i64")),
        (describe::<isize>().0, json!("i64")),
        (describe::<u8>().0, json!("u8")),
        (describe::<u16>().0, json!("u16")),
        (describe::<u32>().0, json!("u32")),
        (describe::<u64>().0, json!("u64")),
        (describe::<usize>().0, json!("u64")),
        (describe::<f32>().0, json!("f32")),
        (describe::<f64>().0, json!("f64")),
        (describe::<()>().0, json!("null")),
        (describe::<Value>().0, json!("json")),
        (describe::<Option<u8>>().0, json!({"option": "u8"})),
        (describe::<Vec<String>>().0, json!({"list": "string"})),
        (describe::<[u8]>().0, json!({"list": "u8"})),
        (describe::<&[u8]>().0, json!({"list": "u8"})),
        (describe::<[u8; 3]>().0, json!({"list": "u8"})),
        (describe::<HashSet<i32>>().0, json!({"list": "i32"})),
        (describe::<BTreeSet<i32>>().0, json!({"list": "i32"})),
        (describe::<VecDeque<i32>>().0, json!({"list": "i32"})),
        (describe::<HashMap<String, u8>>().0, json!({"map": "u8"})),
        (describe::<BTreeMap<String, Vec<bool>>>().0, json!({"map": {"list": "bool"}})),
        (describe::<(i32, String)>().0, json!({"tuple": ["i32", "string"]})),
        (describe::<(u8, u16, u32, u64, i8, i16, i32, i64)>().0, json!({"tuple": ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"]})),
        (describe::<Box<u8>>().0, json!("u8")),
        (describe::<Arc<str>>().0, json!("string")),
        (describe::<Rc<Vec<u8>>>().0, json!({"list": "u8"})),
        (describe::<Option<Vec<Option<u8>>>>().0, json!({"option": {"list": {"option": "u8"}}})),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
    assert_eq!(describe::<Vec<u8>>().1, json!([]), "primitives register no types");
}

/// A file found by `files.list`.
///
/// Second paragraph.
#[derive(Serialize, Deserialize, Describe, Default)]
#[allow(dead_code)]
struct FileEntry {
    /// Path relative to the root.
    path: String,
    size_bytes: u64,
    /// At most this many.
    max_results: Option<u32>,
    #[serde(default)]
    defaulted: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(rename = "type")]
    kind: String,
    r#loop: bool,
    #[serde(skip)]
    cache: u8,
    #[serde(skip_serializing)]
    secret_in: u8,
    #[serde(skip_deserializing)]
    computed_out: u8,
    #[serde(alias = "other_name")]
    aliased: i8,
}

#[test]
fn struct_fields_docs_and_field_attributes() {
    assert_eq!(describe::<FileEntry>().0, json!({"ref": "FileEntry"}));
    assert_eq!(
        definition::<FileEntry>(),
        json!({
            "name": "FileEntry", "kind": "struct",
            "doc": "A file found by `files.list`.\n\nSecond paragraph.",
            "fields": [
                field("path", json!("string"), false, "Path relative to the root."),
                field("size_bytes", json!("u64"), false, ""),
                field("max_results", json!({"option": "u32"}), true, "At most this many."),
                field("defaulted", json!("u8"), true, ""),
                field("tags", json!({"list": "string"}), true, ""),
                field("type", json!("string"), false, ""),
                field("loop", json!("bool"), false, ""),
                field("aliased", json!("i8"), false, ""),
            ]
        })
    );
    // The keys serde writes are the ones described (skipped ones aside).
    let written = serde_json::to_value(FileEntry { tags: vec!["t".into()], ..Default::default() }).unwrap();
    for key in ["path", "size_bytes", "max_results", "defaulted", "tags", "type", "loop", "aliased"] {
        assert!(written.get(key).is_some(), "serde wrote no {:?}: {}", key, written);
    }
}

#[derive(Deserialize, Describe, Default)]
#[serde(default, deny_unknown_fields, rename = "Ignored")]
#[allow(dead_code)]
struct AllDefault {
    a: u8,
    b: String,
}

#[test]
fn container_default_makes_every_field_optional() {
    assert_eq!(
        definition::<AllDefault>(),
        json!({"name": "AllDefault", "kind": "struct", "doc": "",
               "fields": [field("a", json!("u8"), true, ""), field("b", json!("string"), true, "")]})
    );
}

/// Every rename_all rule, on a struct's fields and an enum's variants,
/// checked against serde itself.
macro_rules! case_rule {
    ($module:ident, $rule:tt, $field:literal, $variant:literal) => {
        mod $module {
            use qrustbridge::Describe;
            use serde::Serialize;

            #[derive(Serialize, Describe)]
            #[serde(rename_all = $rule)]
            pub struct Fields {
                pub max_results_now: u8,
            }

            #[derive(Serialize, Describe)]
            #[serde(rename_all = $rule)]
            pub enum Variants {
                DarkRedWine,
            }

            pub const FIELD: &str = $field;
            pub const VARIANT: &str = $variant;
        }
    };
}

case_rule!(lower, "lowercase", "max_results_now", "darkredwine");
case_rule!(upper, "UPPERCASE", "MAX_RESULTS_NOW", "DARKREDWINE");
case_rule!(pascal, "PascalCase", "MaxResultsNow", "DarkRedWine");
case_rule!(camel, "camelCase", "maxResultsNow", "darkRedWine");
case_rule!(snake, "snake_case", "max_results_now", "dark_red_wine");
case_rule!(screaming, "SCREAMING_SNAKE_CASE", "MAX_RESULTS_NOW", "DARK_RED_WINE");
case_rule!(kebab, "kebab-case", "max-results-now", "dark-red-wine");
case_rule!(screaming_kebab, "SCREAMING-KEBAB-CASE", "MAX-RESULTS-NOW", "DARK-RED-WINE");

#[test]
fn rename_all_rules_match_serde() {
    macro_rules! check {
        ($module:ident) => {{
            let fields = definition::<$module::Fields>();
            assert_eq!(fields["fields"][0]["name"], $module::FIELD, "{}", stringify!($module));
            let written = serde_json::to_value($module::Fields { max_results_now: 1 }).unwrap();
            assert_eq!(written, json!({ $module::FIELD: 1 }), "{}", stringify!($module));
            let variants = definition::<$module::Variants>();
            assert_eq!(variants["variants"][0]["name"], $module::VARIANT, "{}", stringify!($module));
            assert_eq!(serde_json::to_value($module::Variants::DarkRedWine).unwrap(), json!($module::VARIANT));
        }};
    }
    check!(lower);
    check!(upper);
    check!(pascal);
    check!(camel);
    check!(snake);
    check!(screaming);
    check!(kebab);
    check!(screaming_kebab);
}

#[derive(Serialize, Describe)]
struct Meters(f64);

#[derive(Serialize, Describe)]
#[serde(transparent)]
#[allow(dead_code)]
struct Wrapper {
    inner: Vec<Meters>,
}

#[derive(Serialize, Describe)]
struct Nothing;

#[derive(Serialize, Describe)]
struct Pair(i32, String);

#[derive(Serialize, Describe)]
#[allow(dead_code)]
struct Borrowed<'a> {
    name: &'a str,
    text: Cow<'a, str>,
}

#[test]
fn newtype_transparent_unit_tuple_and_borrowed_structs() {
    assert_eq!(describe::<Meters>(), (json!("f64"), json!([])));
    assert_eq!(describe::<Wrapper>(), (json!({"list": "f64"}), json!([])));
    assert_eq!(describe::<Nothing>(), (json!("null"), json!([])));
    assert_eq!(serde_json::to_value(Nothing).unwrap(), Value::Null);
    assert_eq!(describe::<Pair>(), (json!({"tuple": ["i32", "string"]}), json!([])));
    assert_eq!(serde_json::to_value(Pair(1, "x".into())).unwrap(), json!([1, "x"]));
    assert_eq!(
        definition::<Borrowed<'static>>()["fields"],
        json!([field("name", json!("string"), false, ""), field("text", json!("string"), false, "")])
    );
}

/// A color.
#[derive(Serialize, Describe)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Color {
    /// Like wine.
    DarkRed,
    #[serde(rename = "GREEN")]
    Green,
    #[serde(skip)]
    Hidden,
}

#[test]
fn unit_enum_is_an_enum() {
    assert_eq!(
        definition::<Color>(),
        json!({"name": "Color", "kind": "enum", "doc": "A color.",
               "variants": [{"name": "dark_red", "doc": "Like wine."}, {"name": "GREEN", "doc": ""}]})
    );
}

/// Externally tagged.
#[derive(Serialize, Describe)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum Shape {
    /// A circle.
    Circle {
        /// Its radius.
        radius: f64,
    },
    Label(String),
    Point(i32, i32),
    #[serde(rename_all = "camelCase")]
    Rect {
        top_left: (i32, i32),
        #[serde(default)]
        size_px: Option<u32>,
    },
    Empty,
}

#[test]
fn externally_tagged_union() {
    assert_eq!(
        definition::<Shape>(),
        json!({"name": "Shape", "kind": "union", "doc": "Externally tagged.", "tag": null, "content": null,
               "variants": [
                   {"name": "circle", "doc": "A circle.", "fields": [field("radius", json!("f64"), false, "Its radius.")]},
                   {"name": "label", "doc": "", "type": "string"},
                   {"name": "point", "doc": "", "type": {"tuple": ["i32", "i32"]}},
                   {"name": "rect", "doc": "", "fields": [
                       field("topLeft", json!({"tuple": ["i32", "i32"]}), false, ""),
                       field("sizePx", json!({"option": "u32"}), true, ""),
                   ]},
                   {"name": "empty", "doc": ""},
               ]})
    );
    let rect = Shape::Rect { top_left: (1, 2), size_px: None };
    assert_eq!(serde_json::to_value(rect).unwrap(), json!({"rect": {"topLeft": [1, 2], "sizePx": null}}));
}

#[derive(Serialize, Describe)]
#[serde(tag = "type")]
#[allow(dead_code)]
enum Internal {
    Circle { radius: f64 },
    Point,
    Boxed(Nothing2),
}

#[derive(Serialize, Describe)]
struct Nothing2 {
    n: u8,
}

#[derive(Serialize, Describe)]
#[serde(tag = "t", content = "c")]
#[allow(dead_code)]
enum Adjacent {
    Num(i64),
    Nothing,
}

#[derive(Serialize, Describe)]
#[serde(untagged)]
#[allow(dead_code)]
enum Untagged {
    Number(f64),
    Text(String),
    Unit,
}

#[derive(Serialize, Describe)]
#[serde(tag = "kind")]
#[allow(dead_code)]
enum TaggedUnits {
    A,
    B,
}

#[test]
fn tagged_and_untagged_unions() {
    assert_eq!(
        definition::<Internal>(),
        json!({"name": "Internal", "kind": "union", "doc": "", "tag": "type", "content": null,
               "variants": [
                   {"name": "Circle", "doc": "", "fields": [field("radius", json!("f64"), false, "")]},
                   {"name": "Point", "doc": ""},
                   {"name": "Boxed", "doc": "", "type": {"ref": "Nothing2"}},
               ]})
    );
    let (_, types) = describe::<Internal>();
    assert_eq!(types.as_array().unwrap().len(), 2, "Nothing2 is registered too: {}", types);
    assert_eq!(
        definition::<Adjacent>(),
        json!({"name": "Adjacent", "kind": "union", "doc": "", "tag": "t", "content": "c",
               "variants": [{"name": "Num", "doc": "", "type": "i64"}, {"name": "Nothing", "doc": ""}]})
    );
    assert_eq!(
        definition::<Untagged>(),
        json!({"name": "Untagged", "kind": "union", "doc": "", "tag": null, "content": null, "untagged": true,
               "variants": [{"name": "Number", "doc": "", "type": "f64"}, {"name": "Text", "doc": "", "type": "string"},
                            {"name": "Unit", "doc": ""}]})
    );
    assert_eq!(serde_json::to_value(Untagged::Unit).unwrap(), Value::Null);
    // Unit variants under a tag are objects, not strings: a union.
    assert_eq!(definition::<TaggedUnits>()["kind"], "union");
    assert_eq!(serde_json::to_value(TaggedUnits::A).unwrap(), json!({"kind": "A"}));
}

/// A tree.
#[derive(Describe)]
#[allow(dead_code)]
struct Tree {
    label: String,
    children: Vec<Tree>,
    by_name: HashMap<String, Box<Tree>>,
}

#[derive(Describe)]
#[allow(dead_code)]
struct Ping {
    pong: Option<Box<Pong>>,
}

#[derive(Describe)]
#[allow(dead_code)]
struct Pong {
    pings: Vec<Ping>,
}

#[test]
fn recursive_types_are_defined_once() {
    let (reference, types) = describe::<Tree>();
    assert_eq!(reference, json!({"ref": "Tree"}));
    assert_eq!(
        types,
        json!([{"name": "Tree", "kind": "struct", "doc": "A tree.", "fields": [
            field("label", json!("string"), false, ""),
            field("children", json!({"list": {"ref": "Tree"}}), false, ""),
            field("by_name", json!({"map": {"ref": "Tree"}}), false, ""),
        ]}])
    );
    let (_, types) = describe::<Ping>();
    let names: Vec<&str> = types.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ping", "Pong"]);
}

mod first {
    #[derive(qrustbridge::Describe)]
    #[allow(dead_code)]
    pub struct Same {
        pub a: u8,
    }
}

mod second {
    #[derive(qrustbridge::Describe)]
    #[allow(dead_code)]
    pub struct Same {
        pub b: u8,
    }
}

#[test]
fn two_types_with_one_name_are_an_error() {
    let mut registry = Registry::new();
    registry.describe::<first::Same>();
    registry.describe::<first::Same>();
    assert!(registry.errors().is_empty());
    registry.describe::<second::Same>();
    assert_eq!(registry.errors().len(), 1);
    assert!(registry.errors()[0].contains("\"Same\""), "{}", registry.errors()[0]);
}

// ---- the server's description ----

#[derive(Deserialize, Describe)]
struct AddParams {
    a: i64,
    b: i64,
}

#[derive(Serialize, Describe)]
struct Tick {
    i: u64,
}

fn server() -> Server {
    Server::new()
        .backend_name("test-backend")
        .command_doc("add", "Adds.")
        .typed_handler("add", |p: AddParams, _| Ok(p.a + p.b))
        .handler("echo", |p, _| Ok(p))
        .typed_stream_handler("count", |n: u64, ctx| {
            for i in 0..n {
                ctx.send_chunk(Tick { i });
            }
            Ok(n)
        })
        .chunk_type::<Tick>("count")
        .stream_handler("raw_stream", |_, _| Ok(Value::Null))
        .async_typed_handler("async_add", |p: AddParams, _| async move { Ok(p.a + p.b) })
        .async_typed_stream_handler("async_count", |n: u32, _| async move { Ok(vec![n]) })
        .deferred_handler("later", |_: Option<String>, responder: Responder| {
            responder.ok(true);
        })
        .result_type::<bool>("later")
        .command_doc("echo", "Returns the params.")
}

#[test]
fn server_description() {
    let description = server().description();
    assert_eq!(
        description,
        json!({
            "qrustbridge": 1,
            "schema": description["schema"],
            "backend": "test-backend",
            "commands": [
                {"name": "add", "kind": "call", "doc": "Adds.", "params": {"ref": "AddParams"}, "result": "i64"},
                {"name": "async_add", "kind": "call", "doc": "", "params": {"ref": "AddParams"}, "result": "i64"},
                {"name": "async_count", "kind": "stream", "doc": "", "params": "u32", "chunk": "json", "result": {"list": "u32"}},
                {"name": "count", "kind": "stream", "doc": "", "params": "u64", "chunk": {"ref": "Tick"}, "result": "u64"},
                {"name": "echo", "kind": "call", "doc": "Returns the params.", "params": "json", "result": "json"},
                {"name": "later", "kind": "call", "doc": "", "params": {"option": "string"}, "result": "bool"},
                {"name": "raw_stream", "kind": "stream", "doc": "", "params": "json", "chunk": "json", "result": "json"},
            ],
            "types": [
                {"name": "AddParams", "kind": "struct", "doc": "", "fields": [
                    field("a", json!("i64"), false, ""), field("b", json!("i64"), false, "")]},
                {"name": "Tick", "kind": "struct", "doc": "", "fields": [field("i", json!("u64"), false, "")]},
            ]
        })
    );
}

/// FNV-1a 64, written out again so the test does not trust the crate's.
fn fnv1a(text: &str) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        hash = (hash ^ b as u64).wrapping_mul(0x100000001b3);
    }
    format!("{:016x}", hash)
}

mod renamed {
    #[derive(serde::Deserialize, qrustbridge::Describe)]
    #[allow(dead_code)]
    pub struct AddParams {
        pub a: i64,
        #[serde(rename = "second")]
        pub b: i64,
    }
}

#[test]
fn schema_is_a_stable_hash_of_the_description() {
    let one = server().description();
    let two = server().description();
    assert_eq!(one, two);
    let schema = one["schema"].as_str().unwrap();
    assert_eq!(schema.len(), 16);
    assert!(schema.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{}", schema);
    let mut without = one.clone();
    without.as_object_mut().unwrap().remove("schema");
    assert_eq!(schema, fnv1a(&serde_json::to_string(&without).unwrap()));
    assert_eq!(schema_of(&one), schema);

    // Registration order does not matter; a renamed field does.
    let reordered = Server::new()
        .backend_name("x")
        .handler("b", |p, _| Ok(p))
        .typed_handler("a", |p: AddParams, _| Ok(p.a));
    let ordered = Server::new()
        .backend_name("x")
        .typed_handler("a", |p: AddParams, _| Ok(p.a))
        .handler("b", |p, _| Ok(p));
    assert_eq!(reordered.description()["schema"], ordered.description()["schema"]);
    let renamed = Server::new()
        .backend_name("x")
        .typed_handler("a", |p: renamed::AddParams, _| Ok(p.a))
        .handler("b", |p, _| Ok(p));
    assert_ne!(renamed.description()["schema"], ordered.description()["schema"]);
}

#[test]
fn default_backend_name_is_the_program() {
    let name = Server::new().description()["backend"].as_str().unwrap().to_owned();
    // The test binary: tests/describe.rs builds `describe-<hash>`.
    assert!(name.starts_with("describe-"), "{}", name);
}

#[test]
fn describe_request_and_schema_in_the_ready_event() {
    let expected = server().description();
    let mut client = Client::start(server().ready_data(json!({"version": "1.0"})));
    let ready = client.expect_ready();
    assert_eq!(ready["data"], json!({"version": "1.0", "schema": expected["schema"]}));
    client.send("1", "$/describe", Value::Null);
    assert_eq!(client.recv(), ok("1", expected));
    client.send("2", "add", json!({"a": 1, "b": 2}));
    assert_eq!(client.recv(), ok("2", json!(3)));
    client.finish();

    // Default ready data {} gets the schema as its only member.
    let mut client = Client::start(server());
    assert_eq!(client.expect_ready()["data"], json!({"schema": server().description()["schema"]}));
    client.finish();
}
