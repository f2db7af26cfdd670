//! `#[derive(Describe)]`: the derive behind `qrustbridge::Describe`.
//!
//! It reads a type's shape and its `#[serde(...)]` attributes and generates
//! a `qrustbridge::Describe` impl whose description matches what serde
//! puts on the wire. Doc comments become the description's `doc`. Use it
//! through the `qrustbridge` crate, which re-exports it; the generated code
//! names `::qrustbridge`.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::spanned::Spanned;
use syn::{
    parse_macro_input, Attribute, Data, DataEnum, DeriveInput, Error, Field, Fields, GenericParam, Lit, Meta,
    NestedMeta, PathArguments, Type,
};

/// Derives `qrustbridge::Describe`. See `docs/rust-backend.md`
/// ("Describing commands") for the shapes and serde attributes understood.
#[proc_macro_derive(Describe, attributes(serde))]
pub fn derive_describe(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    for param in &input.generics.params {
        if !matches!(param, GenericParam::Lifetime(_)) {
            return Err(Error::new(
                param.span(),
                "Describe does not support generic type or const parameters: a described type has one \
                 name and one shape. Derive it on a concrete type instead (for example a struct that \
                 holds the generic one with its parameters filled in)",
            ));
        }
    }
    let container = container_attrs(&input.attrs)?;
    let name = input.ident.to_string();
    let doc = doc_of(&input.attrs);
    let body = match &input.data {
        Data::Struct(data) => describe_struct(&name, &doc, &container, &data.fields, input)?,
        Data::Enum(data) => describe_enum(&name, &doc, &container, data, input)?,
        Data::Union(_) => return Err(Error::new(input.ident.span(), "Describe cannot describe a Rust union")),
    };
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::qrustbridge::Describe for #ident #type_generics #where_clause {
            #[allow(unused_variables)]
            fn describe(registry: &mut ::qrustbridge::describe::Registry) -> ::qrustbridge::serde_json::Value {
                #body
            }
        }
    })
}

fn describe_struct(
    name: &str,
    doc: &str,
    container: &Container,
    fields: &Fields,
    input: &DeriveInput,
) -> syn::Result<Tokens> {
    if container.tag.is_some() || container.content.is_some() || container.untagged {
        return Err(Error::new(
            input.ident.span(),
            "Describe supports #[serde(tag)], #[serde(content)] and #[serde(untagged)] on enums only",
        ));
    }
    let support = quote!(::qrustbridge::describe::derive_support);
    match fields {
        Fields::Named(named) => {
            if container.transparent {
                return transparent_field(named.named.iter(), input);
            }
            let list = field_list(named.named.iter(), container.rename_all, container.default)?;
            Ok(quote! {
                registry.named::<Self, _>(#name, |registry| #support::struct_type(#doc, #list))
            })
        }
        Fields::Unnamed(unnamed) => {
            if container.transparent || unnamed.unnamed.len() == 1 {
                return transparent_field(unnamed.unnamed.iter(), input);
            }
            let types = unnamed.unnamed.iter().map(|f| type_of(&f.ty));
            Ok(quote!(#support::tuple(::std::vec![#(#types),*])))
        }
        Fields::Unit => Ok(quote!(#support::primitive("null"))),
    }
}

/// The one field that is not skipped describes the whole type.
fn transparent_field<'a>(fields: impl Iterator<Item = &'a Field>, input: &DeriveInput) -> syn::Result<Tokens> {
    let mut kept = Vec::new();
    for field in fields {
        if !field_attrs(&field.attrs)?.skip {
            kept.push(field);
        }
    }
    if kept.len() != 1 {
        return Err(Error::new(input.ident.span(), "Describe: a transparent or newtype struct needs exactly one field"));
    }
    Ok(type_of(&kept[0].ty))
}

fn describe_enum(
    name: &str,
    doc: &str,
    container: &Container,
    data: &DataEnum,
    input: &DeriveInput,
) -> syn::Result<Tokens> {
    if container.transparent {
        return Err(Error::new(input.ident.span(), "#[serde(transparent)] is for structs"));
    }
    if container.content.is_some() && container.tag.is_none() {
        return Err(Error::new(input.ident.span(), "#[serde(content)] needs #[serde(tag)]"));
    }
    if container.untagged && container.tag.is_some() {
        return Err(Error::new(input.ident.span(), "#[serde(untagged)] and #[serde(tag)] exclude each other"));
    }
    let support = quote!(::qrustbridge::describe::derive_support);
    let mut variants = Vec::new();
    let mut all_unit = true;
    for variant in &data.variants {
        let attrs = variant_attrs(&variant.attrs)?;
        if attrs.skip {
            continue;
        }
        let ident = variant.ident.to_string();
        let raw = ident.strip_prefix("r#").unwrap_or(&ident);
        let wire = match (attrs.rename, container.rename_all) {
            (Some(renamed), _) => renamed,
            (None, Some(case)) => case.variant(raw),
            (None, None) => raw.to_owned(),
        };
        let vdoc = doc_of(&variant.attrs);
        let tokens = match &variant.fields {
            Fields::Unit => quote!(#support::variant(#wire, #vdoc)),
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                all_unit = false;
                let ty = type_of(&unnamed.unnamed[0].ty);
                quote!(#support::variant_type(#wire, #vdoc, #ty))
            }
            Fields::Unnamed(unnamed) => {
                all_unit = false;
                let types = unnamed.unnamed.iter().map(|f| type_of(&f.ty));
                quote!(#support::variant_type(#wire, #vdoc, #support::tuple(::std::vec![#(#types),*])))
            }
            Fields::Named(named) => {
                all_unit = false;
                let list = field_list(named.named.iter(), attrs.rename_all, false)?;
                quote!(#support::variant_fields(#wire, #vdoc, #list))
            }
        };
        variants.push(tokens);
    }
    // Only an externally tagged enum of unit variants is a plain string.
    let definition = if all_unit && container.tag.is_none() && !container.untagged {
        quote!(#support::enum_type(#doc, ::std::vec![#(#variants),*]))
    } else {
        let tag = option_tokens(&container.tag);
        let content = option_tokens(&container.content);
        let untagged = container.untagged;
        quote!(#support::union_type(#doc, #tag, #content, #untagged, ::std::vec![#(#variants),*]))
    };
    Ok(quote!(registry.named::<Self, _>(#name, |registry| #definition)))
}

fn option_tokens(value: &Option<String>) -> Tokens {
    match value {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    }
}

fn type_of(ty: &Type) -> Tokens {
    quote!(<#ty as ::qrustbridge::Describe>::describe(registry))
}

fn field_list<'a>(
    fields: impl Iterator<Item = &'a Field>,
    rename_all: Option<Case>,
    all_default: bool,
) -> syn::Result<Tokens> {
    let support = quote!(::qrustbridge::describe::derive_support);
    let mut items = Vec::new();
    for field in fields {
        let attrs = field_attrs(&field.attrs)?;
        if attrs.skip {
            continue;
        }
        let ident = match &field.ident {
            Some(ident) => ident.to_string(),
            None => return Err(Error::new(field.span(), "expected a named field")),
        };
        let raw = ident.strip_prefix("r#").unwrap_or(&ident);
        let wire = match (attrs.rename, rename_all) {
            (Some(renamed), _) => renamed,
            (None, Some(case)) => case.field(raw),
            (None, None) => raw.to_owned(),
        };
        let optional = all_default || attrs.optional || is_option(&field.ty);
        let doc = doc_of(&field.attrs);
        let ty = type_of(&field.ty);
        items.push(quote!(#support::field(#wire, #ty, #optional, #doc)));
    }
    Ok(quote!(::std::vec![#(#items),*]))
}

/// `Option<...>` as written: serde treats a missing key as `None`.
fn is_option(ty: &Type) -> bool {
    if let Type::Path(path) = ty {
        if path.qself.is_none() {
            if let Some(last) = path.path.segments.last() {
                return last.ident == "Option" && matches!(last.arguments, PathArguments::AngleBracketed(_));
            }
        }
    }
    false
}

/// `///` lines joined with `\n`, one leading space dropped from each.
fn doc_of(attrs: &[Attribute]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for attr in attrs {
        if !attr.path.is_ident("doc") {
            continue;
        }
        if let Ok(Meta::NameValue(nv)) = attr.parse_meta() {
            if let Lit::Str(text) = nv.lit {
                // split, not lines(): an empty `///` is a paragraph break.
                for line in text.value().split('\n') {
                    lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned());
                }
            }
        }
    }
    while lines.first().map_or(false, |l| l.is_empty()) {
        lines.remove(0);
    }
    while lines.last().map_or(false, |l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

// ---- serde attributes ----

#[derive(Default)]
struct Container {
    rename_all: Option<Case>,
    tag: Option<String>,
    content: Option<String>,
    untagged: bool,
    transparent: bool,
    default: bool,
}

#[derive(Default)]
struct FieldAttrs {
    rename: Option<String>,
    skip: bool,
    optional: bool,
}

#[derive(Default)]
struct VariantAttrs {
    rename: Option<String>,
    rename_all: Option<Case>,
    skip: bool,
}

fn container_attrs(attrs: &[Attribute]) -> syn::Result<Container> {
    let mut out = Container::default();
    for meta in serde_items(attrs)? {
        match meta_name(&meta).as_str() {
            "rename_all" => out.rename_all = Some(case_of(&meta)?),
            "tag" => out.tag = Some(string_value(&meta)?),
            "content" => out.content = Some(string_value(&meta)?),
            "untagged" => out.untagged = true,
            "transparent" => out.transparent = true,
            "default" => out.default = true,
            // The type's own name and these change nothing on the wire.
            "rename" | "deny_unknown_fields" | "bound" | "crate" | "expecting" => {}
            _ => return Err(unsupported(&meta)),
        }
    }
    Ok(out)
}

fn field_attrs(attrs: &[Attribute]) -> syn::Result<FieldAttrs> {
    let mut out = FieldAttrs::default();
    for meta in serde_items(attrs)? {
        match meta_name(&meta).as_str() {
            "rename" => out.rename = Some(renamed(&meta)?),
            "skip" | "skip_serializing" | "skip_deserializing" => out.skip = true,
            "default" | "skip_serializing_if" => out.optional = true,
            "alias" | "bound" | "borrow" => {}
            _ => return Err(unsupported(&meta)),
        }
    }
    Ok(out)
}

fn variant_attrs(attrs: &[Attribute]) -> syn::Result<VariantAttrs> {
    let mut out = VariantAttrs::default();
    for meta in serde_items(attrs)? {
        match meta_name(&meta).as_str() {
            "rename" => out.rename = Some(renamed(&meta)?),
            "rename_all" => out.rename_all = Some(case_of(&meta)?),
            "skip" | "skip_serializing" | "skip_deserializing" => out.skip = true,
            "alias" | "bound" | "borrow" | "other" => {}
            _ => return Err(unsupported(&meta)),
        }
    }
    Ok(out)
}

fn unsupported(meta: &Meta) -> Error {
    Error::new(
        meta.span(),
        format!(
            "Describe does not support #[serde({})]: the description cannot express the JSON it makes",
            meta_name(meta)
        ),
    )
}

fn serde_items(attrs: &[Attribute]) -> syn::Result<Vec<Meta>> {
    let mut out = Vec::new();
    for attr in attrs {
        if !attr.path.is_ident("serde") {
            continue;
        }
        match attr.parse_meta()? {
            Meta::List(list) => {
                for nested in list.nested {
                    match nested {
                        NestedMeta::Meta(meta) => out.push(meta),
                        NestedMeta::Lit(lit) => return Err(Error::new(lit.span(), "unexpected literal in #[serde(...)]")),
                    }
                }
            }
            other => return Err(Error::new(other.span(), "expected #[serde(...)]")),
        }
    }
    Ok(out)
}

fn meta_name(meta: &Meta) -> String {
    meta.path().get_ident().map(|i| i.to_string()).unwrap_or_else(|| "?".to_owned())
}

fn string_value(meta: &Meta) -> syn::Result<String> {
    if let Meta::NameValue(nv) = meta {
        if let Lit::Str(s) = &nv.lit {
            return Ok(s.value());
        }
    }
    Err(Error::new(meta.span(), format!("expected {} = \"...\"", meta_name(meta))))
}

/// `rename = "x"` or `rename(serialize = "x", deserialize = "y")`; the
/// description has one name per item, so the two must agree.
fn renamed(meta: &Meta) -> syn::Result<String> {
    let list = match meta {
        Meta::List(list) => list,
        _ => return string_value(meta),
    };
    let mut serialize = None;
    let mut deserialize = None;
    for nested in &list.nested {
        match nested {
            NestedMeta::Meta(inner) if inner.path().is_ident("serialize") => serialize = Some(string_value(inner)?),
            NestedMeta::Meta(inner) if inner.path().is_ident("deserialize") => deserialize = Some(string_value(inner)?),
            other => return Err(Error::new(other.span(), "expected serialize = \"...\" or deserialize = \"...\"")),
        }
    }
    match (serialize, deserialize) {
        (Some(a), Some(b)) if a != b => Err(Error::new(
            meta.span(),
            format!(
                "Describe: #[serde({}(serialize = {:?}, deserialize = {:?}))] differ; the description has one \
                 name per item",
                meta_name(meta),
                a,
                b
            ),
        )),
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => Err(Error::new(meta.span(), "expected serialize = \"...\" or deserialize = \"...\"")),
    }
}

fn case_of(meta: &Meta) -> syn::Result<Case> {
    let text = renamed(meta)?;
    Case::parse(&text).ok_or_else(|| {
        Error::new(
            meta.span(),
            format!(
                "unknown rename_all rule {:?}; expected one of \"lowercase\", \"UPPERCASE\", \"PascalCase\", \
                 \"camelCase\", \"snake_case\", \"SCREAMING_SNAKE_CASE\", \"kebab-case\", \"SCREAMING-KEBAB-CASE\"",
                text
            ),
        )
    })
}

/// serde's `rename_all` rules. Variants are written in PascalCase and
/// fields in snake_case, so each rule converts from one of those.
#[derive(Clone, Copy)]
enum Case {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl Case {
    fn parse(text: &str) -> Option<Case> {
        Some(match text {
            "lowercase" => Case::Lower,
            "UPPERCASE" => Case::Upper,
            "PascalCase" => Case::Pascal,
            "camelCase" => Case::Camel,
            "snake_case" => Case::Snake,
            "SCREAMING_SNAKE_CASE" => Case::ScreamingSnake,
            "kebab-case" => Case::Kebab,
            "SCREAMING-KEBAB-CASE" => Case::ScreamingKebab,
            _ => return None,
        })
    }

    /// From a PascalCase variant name.
    fn variant(self, name: &str) -> String {
        match self {
            Case::Pascal => name.to_owned(),
            Case::Lower => name.to_ascii_lowercase(),
            Case::Upper => name.to_ascii_uppercase(),
            Case::Camel => lower_first(name),
            Case::Snake => {
                let mut out = String::new();
                for (i, ch) in name.char_indices() {
                    if i > 0 && ch.is_uppercase() {
                        out.push('_');
                    }
                    out.push(ch.to_ascii_lowercase());
                }
                out
            }
            Case::ScreamingSnake => Case::Snake.variant(name).to_ascii_uppercase(),
            Case::Kebab => Case::Snake.variant(name).replace('_', "-"),
            Case::ScreamingKebab => Case::ScreamingSnake.variant(name).replace('_', "-"),
        }
    }

    /// From a snake_case field name.
    fn field(self, name: &str) -> String {
        match self {
            Case::Lower | Case::Snake => name.to_owned(),
            Case::Upper | Case::ScreamingSnake => name.to_ascii_uppercase(),
            Case::Pascal => {
                let mut out = String::new();
                let mut capital = true;
                for ch in name.chars() {
                    if ch == '_' {
                        capital = true;
                    } else if capital {
                        out.push(ch.to_ascii_uppercase());
                        capital = false;
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            Case::Camel => lower_first(&Case::Pascal.field(name)),
            Case::Kebab => name.replace('_', "-"),
            Case::ScreamingKebab => name.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compile error the derive gives for `source`.
    fn error_of(source: &str) -> String {
        let input: DeriveInput = syn::parse_str(source).unwrap();
        match expand(&input) {
            Ok(tokens) => panic!("expected an error, got {}", tokens),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn unsupported_serde_attributes_are_named() {
        let cases = [
            ("struct A { #[serde(flatten)] b: B }", "#[serde(flatten)]"),
            ("struct A { #[serde(with = \"m\")] b: B }", "#[serde(with)]"),
            ("struct A { #[serde(serialize_with = \"f\")] b: B }", "#[serde(serialize_with)]"),
            ("#[serde(into = \"B\")] struct A { b: B }", "#[serde(into)]"),
            ("#[serde(from = \"B\")] struct A { b: B }", "#[serde(from)]"),
            ("#[serde(remote = \"B\")] struct A { b: B }", "#[serde(remote)]"),
            ("enum A { #[serde(deserialize_with = \"f\")] B(u8) }", "#[serde(deserialize_with)]"),
            ("enum A { #[serde(untagged)] B(u8) }", "#[serde(untagged)]"),
        ];
        for (source, named) in cases {
            let error = error_of(source);
            assert!(error.contains(named), "{:?} gave {:?}", source, error);
            assert!(error.starts_with("Describe does not support"), "{}", error);
        }
    }

    #[test]
    fn generic_types_are_refused_lifetimes_are_not() {
        assert!(error_of("struct Page<T> { items: Vec<T> }").contains("generic type or const parameters"));
        assert!(error_of("struct Fixed<const N: usize> { items: [u8; N] }").contains("generic"));
        let input: DeriveInput = syn::parse_str("struct Borrowed<'a> { name: &'a str }").unwrap();
        let tokens = expand(&input).unwrap().to_string();
        assert!(tokens.contains("for Borrowed < 'a >"), "{}", tokens);
    }

    #[test]
    fn inconsistent_attributes_are_errors() {
        assert!(error_of("#[serde(rename_all = \"Title Case\")] struct A { b: u8 }").contains("unknown rename_all rule"));
        assert!(error_of("struct A { #[serde(rename(serialize = \"x\", deserialize = \"y\"))] b: u8 }")
            .contains("one name per item"));
        assert!(error_of("#[serde(content = \"c\")] enum A { B(u8) }").contains("needs #[serde(tag)]"));
        assert!(error_of("#[serde(tag = \"t\")] struct A { b: u8 }").contains("on enums only"));
        assert!(error_of("#[serde(transparent)] struct A { b: u8, c: u8 }").contains("exactly one field"));
        assert!(error_of("union U { a: u8 }").contains("union"));
    }

    #[test]
    fn case_rules_follow_serde() {
        assert_eq!(Case::Snake.variant("HTTPServer"), "h_t_t_p_server");
        assert_eq!(Case::Camel.field("a_b_c"), "aBC");
        assert_eq!(Case::Pascal.field("_leading"), "Leading");
        assert_eq!(Case::Kebab.variant("A"), "a");
    }
}
