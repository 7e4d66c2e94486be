//! Type emission: one Rust type per model [`TypeDef`], in `generated/types.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{
    Piece, doc_lines, doc_text, example_section, ident, rust_type, sanitize_markdown, sections,
    with_notes,
};
pub use crate::model::Optionality;
use crate::model::{Api, Field, Struct, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};

/// The module's docs, then each type, made by the worker that formats it.
pub fn types_file(api: &Api) -> Vec<Piece<'_>> {
    let head = quote! {
        //! Every schema of the spec as a Rust type.
        //!
        //! Objects keep properties the spec does not list in an `extra` map (raw JSON, exact
        //! as sent), and enums keep values they do not know in an `Unknown` variant, so
        //! decoding a newer server's answer and encoding it again loses nothing. Numbers
        //! without a float format are exact decimals ([`rust_decimal::Decimal`]), written as
        //! JSON numbers and read from their own text.
    };
    let types = api
        .types
        .iter()
        .filter(|t| t.facts.unwrapped_to.is_none())
        .map(|t| Piece::Own(Box::new(move || type_def(t, api))));
    std::iter::once(Piece::Code(head)).chain(types).collect()
}

fn type_def(t: &TypeDef, api: &Api) -> TokenStream {
    let docs = type_doc(t);
    let name = ident(&t.name);
    let body = match &t.kind {
        TypeKind::Struct(s) => struct_def(t, s, api),
        TypeKind::StringEnum(vs) => string_enum(&t.name, vs),
        TypeKind::IntEnum(vs) => int_enum(&t.name, vs),
        TypeKind::Union(vs) => union(t, vs, api),
        TypeKind::Alias(target) => {
            let target = rust_type(target);
            quote!(pub type #name = #target;)
        }
        TypeKind::Newtype(target) => {
            let derive = derives(t.facts.eq, true);
            let with = serde_with(target, api).map(|w| quote!(#[serde(with = #w)]));
            let target = rust_type(target);
            quote! {
                #derive
                #[serde(transparent)]
                pub struct #name(#with pub #target);
            }
        }
    };
    quote! {
        #docs
        #body
    }
}

/// A deprecated type says so in its docs, not with `#[deprecated]`: the attribute would
/// warn at every place the generated code itself names the type (fields, unions, the
/// operations that send or answer it), in the consumer's build when the client is a crate
/// of their workspace. What callers touch, deprecated fields, parameters and operations,
/// carries the attribute.
fn type_doc(t: &TypeDef) -> TokenStream {
    let own = t.doc.as_deref().map(str::trim).unwrap_or("");
    let own = sanitize_markdown(own);
    let deprecated = if t.deprecated && !own.starts_with("**Deprecated") {
        "**Deprecated** in the API description.".to_owned()
    } else {
        String::new()
    };
    let source = format!("Schema: `{}`.", t.source);
    doc_lines(&sections(&[
        deprecated,
        own,
        source,
        example_section("Example", t.example.as_ref()),
    ]))
}

fn derives(eq: bool, debug: bool) -> TokenStream {
    let eq = eq.then(|| quote!(Eq, Hash,));
    let debug = debug.then(|| quote!(Debug,));
    quote!(#[derive(#debug Clone, PartialEq, #eq serde::Serialize, serde::Deserialize)])
}

/// The Rust type of a struct's catch-all: unknown members kept as raw JSON text (exact
/// numbers), or a typed map for `additionalProperties: {schema}`.
fn extra_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Any => quote!(std::collections::BTreeMap<String, crate::RawJson>),
        other => rust_type(&TypeRef::Map(Box::new(other.clone()))),
    }
}

fn struct_def(t: &TypeDef, s: &Struct, api: &Api) -> TokenStream {
    let name = &t.name;
    let built_by_callers = t.built_by_callers;
    let ty_name = ident(name);
    let eq = t.facts.eq.then(|| quote!(Eq, Hash,));
    // A type callers send is built with its required members (`new`), or, without any,
    // from `Default`; either way the optional ones are `None` and the kept ones empty.
    let required = s.fields.iter().filter(|f| f.required).count();
    let default = (built_by_callers && required == 0).then(|| quote!(Default,));
    let derive = quote!(#[derive(Debug, #default Clone, PartialEq, #eq)]);
    let constructor = (built_by_callers && required > 0).then(|| constructor(name, s));
    let fields = s.fields.iter().map(field);
    let extra = s.extra.as_ref().map(|(extra, ty)| {
        let extra = ident(extra);
        let ty = extra_type(ty);
        quote! {
            /// Members the spec does not list, kept exactly as sent: re-encoding loses nothing.
            pub #extra: #ty,
        }
    });
    let codec = struct_codec(name, s, api);
    let non_exhaustive = (!built_by_callers).then(|| quote!(#[non_exhaustive]));
    quote! {
        #derive
        #non_exhaustive
        pub struct #ty_name {
            #(#fields)*
            #extra
        }
        #constructor
        #codec
    }
}

/// `new`: the type with its required members, the optional ones `None` and the catch-all
/// empty, so that building a request's nested value needs neither every optional member
/// nor `serde_json`.
fn constructor(name: &str, s: &Struct) -> TokenStream {
    let ty = ident(name);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        let field = ident(&f.rust);
        let inner = rust_type(&f.ty);
        if !f.required {
            inits.push(quote!(#field: None,));
            continue;
        }
        // A required nullable member is an `Option` the caller gives as it is.
        let (param, init) = match (f.optionality, f.boxed) {
            (Optionality::Required, false) => {
                (quote!(impl Into<#inner>), quote!(#field: #field.into()))
            }
            (Optionality::Required, true) => (
                quote!(impl Into<#inner>),
                quote!(#field: Box::new(#field.into())),
            ),
            (_, false) => (quote!(Option<#inner>), quote!(#field)),
            (_, true) => (quote!(Option<#inner>), quote!(#field: #field.map(Box::new))),
        };
        params.push(quote!(#field: #param));
        inits.push(quote!(#init,));
    }
    let extra = s.extra.as_ref().map(|(extra, _)| {
        let extra = ident(extra);
        quote!(#extra: Default::default(),)
    });
    let many = (params.len() > 7).then(|| {
        quote!(#[allow(clippy::too_many_arguments, reason = "one argument per required member")])
    });
    let deprecated =
        s.fields.iter().any(|f| f.deprecated).then(
            || quote!(#[allow(deprecated, reason = "every member is set, deprecated ones too")]),
        );
    let doc = doc_text(&format!(
        " The value with its required members; the optional ones are `None`{}.",
        if s.extra.is_some() {
            " and no other member is kept"
        } else {
            ""
        }
    ));
    quote! {
        impl #ty {
            #[doc = #doc]
            #many
            #deprecated
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#inits)*
                    #extra
                }
            }
        }
    }
}

/// `Serialize` and `Deserialize` through the runtime's `object!`: each member is read
/// straight from the input, so decimals see their own text (serde's `flatten` would buffer
/// them through `f64` first); unknown members go to the catch-all as raw JSON. Duplicate
/// and missing required members are errors naming the member.
fn struct_codec(name: &str, s: &Struct, api: &Api) -> TokenStream {
    let ty_name = ident(name);
    let helpers: TokenStream = crate::emit::HELPERS.parse().expect("a path");
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.rust);
        let presence = ident(if f.required { "required" } else { "optional" });
        let read = field_reader(f, api);
        let wire = &f.wire;
        let aliases = &f.aliases;
        quote!(#field: #presence #read #wire #(| #aliases)*,)
    });
    let other = ident(extra_reader(s, api));
    let extra = s.extra.as_ref().map(|(extra, _)| ident(extra));
    quote! {
        #helpers::object!(#ty_name {
            #(#fields)*
        } else #other(#extra));
    }
}

/// The `serde_helpers` function that takes a member the type does not list: kept in the
/// `extra` map (read exactly when its values hold decimals), or skipped.
fn extra_reader(s: &Struct, api: &Api) -> &'static str {
    match &s.extra {
        Some((_, ty)) if api.contains_decimal(ty) => "keep_exact",
        Some(_) => "keep",
        None => "skip",
    }
}

/// The `serde_helpers` function that reads one member in the generated `visit_map`: the
/// field's own type, except that an optional nullable field (and an optional free-form
/// one) reads the inner value, so that a present `null` stays `Some(None)` (or
/// `Some(Value::Null)`); exactly when the value holds decimals.
fn field_reader(f: &Field, api: &Api) -> proc_macro2::Ident {
    let some = match f.optionality {
        Optionality::OptionalNullable => true,
        Optionality::Optional => api.is_any(&f.ty) && !f.required,
        Optionality::Required => false,
    };
    let name = match (some, api.contains_decimal(&f.ty)) {
        (false, false) => "read",
        (false, true) => "read_exact",
        (true, false) => "read_some",
        (true, true) => "read_some_exact",
    };
    ident(name)
}

/// The Rust type of a field: `Option` when optional or nullable, `Option<Option>` when
/// both, `Box` when recursive.
pub fn field_type(f: &Field) -> TokenStream {
    let inner = rust_type(&f.ty);
    let inner = if f.boxed { quote!(Box<#inner>) } else { inner };
    match f.optionality {
        Optionality::Required => inner,
        Optionality::Optional => quote!(Option<#inner>),
        Optionality::OptionalNullable => quote!(Option<Option<#inner>>),
    }
}

/// The `with` module a newtype's value needs: exact decimals cannot use serde's default
/// (`rust_decimal` writes strings). Objects and unions say it in their table lines.
fn serde_with(ty: &TypeRef, api: &Api) -> Option<String> {
    api.contains_decimal(ty)
        .then(|| format!("{}::exact", crate::emit::HELPERS))
}

/// A struct field: its docs, type and name. How it is written and read (its wire name,
/// exact decimals, left out when absent) is the `object!` call's line for it.
fn field(f: &Field) -> TokenStream {
    let name = ident(&f.rust);
    let ty = field_type(f);
    let docs = field_doc(f);
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub #name: #ty,
    }
}

fn field_doc(f: &Field) -> TokenStream {
    let own = f.doc.as_deref().map(sanitize_markdown).unwrap_or_default();
    // A member the spec does not describe (typically a `$ref`, described on its type)
    // still says what it is on the wire and links its type.
    let own = match (&f.ty, own.is_empty()) {
        (TypeRef::Named(n), true) => {
            format!("The `{}` member: a [`{n}`](crate::types::{n}).", f.wire)
        }
        (_, true) => format!("The `{}` member.", f.wire),
        (_, false) => own,
    };
    let mut notes = Vec::new();
    match (&f.constraints.pattern, &f.constraints.pattern_unchecked) {
        (Some(p), None) => notes.push(format!("Must match `{p}`.")),
        (Some(p), Some(why)) => notes.push(format!(
            "Must match `{p}` (not checked by the client: {why})."
        )),
        _ => {}
    }
    match (f.constraints.min_length, f.constraints.max_length) {
        (Some(a), Some(b)) if a == b => notes.push(format!("Exactly {a} characters.")),
        (Some(a), Some(b)) => notes.push(format!("{a} to {b} characters.")),
        (Some(a), None) => notes.push(format!("At least {a} characters.")),
        (None, Some(b)) => notes.push(format!("At most {b} characters.")),
        (None, None) => {}
    }
    if !f.aliases.is_empty() {
        let names: Vec<String> = f.aliases.iter().map(|a| format!("`{a}`")).collect();
        notes.push(format!(
            "Also accepted as {} when decoding.",
            names.join(", ")
        ));
    }
    if let Some(example) = &f.example {
        notes.push(format!("Example: `{example}`."));
    }
    doc_lines(&with_notes(&own, &notes.join(" ")))
}

fn string_enum(name: &str, variants: &[Variant<String>]) -> TokenStream {
    let ty = ident(name);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust)).collect();
    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
    let variant_docs = wires.iter().map(|w| doc_text(&format!(" `{w}`")));
    quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ty {
            #(#[doc = #variant_docs] #idents,)*
            /// A value this version of the client does not know, kept as sent.
            Unknown(crate::UnknownValue<String>),
        }

        crate::values::string_enum!(#ty { #(#idents = #wires),* });
    }
}

fn int_enum(name: &str, variants: &[Variant<i64>]) -> TokenStream {
    let ty = ident(name);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.rust)).collect();
    let values: Vec<i64> = variants.iter().map(|v| v.wire).collect();
    let texts: Vec<String> = values.iter().map(i64::to_string).collect();
    let variant_docs = values.iter().map(|w| doc_text(&format!(" `{w}`")));
    quote! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ty {
            #(#[doc = #variant_docs] #idents,)*
            /// A value this version of the client does not know, kept as sent.
            Unknown(crate::UnknownValue<i64>),
        }

        crate::values::int_enum!(#ty { #(#idents = #values #texts),* });
    }
}

fn union(t: &TypeDef, variants: &[UnionVariant], api: &Api) -> TokenStream {
    let name = &t.name;
    let ty = ident(name);
    // A union of scalars has a text form (for parameters): its member's.
    let display = variants.iter().all(|v| api.is_displayable(&v.ty)).then(|| {
        let arms = variants.iter().map(|v| {
            let id = ident(&v.rust);
            quote!(Self::#id(value) => std::fmt::Display::fmt(value, f),)
        });
        quote! {
            impl std::fmt::Display for #ty {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    let eq = t.facts.eq.then(|| quote!(Eq, Hash,));
    let arms = variants.iter().map(|v| {
        let id = ident(&v.rust);
        let inner = rust_type(&v.ty);
        let inner = if v.boxed { quote!(Box<#inner>) } else { inner };
        let doc = doc_text(&format!(
            " The value as `{}`.",
            inner
                .to_string()
                .replace(" :: ", "::")
                .replace(" < ", "<")
                .replace(" >", ">")
        ));
        quote!(#[doc = #doc] #id(#inner),)
    });
    // Written as the variant's value; read as the first variant that reads it (see the
    // runtime's `union!`).
    let codec = variants.iter().map(|v| {
        let id = ident(&v.rust);
        let wrap = ident(if v.boxed { "boxed" } else { "bare" });
        let read = ident(if api.contains_decimal(&v.ty) {
            "exact"
        } else {
            "plain"
        });
        let inner = rust_type(&v.ty);
        quote!(#id: #wrap #read #inner,)
    });
    let helpers: TokenStream = crate::emit::HELPERS.parse().expect("a path");
    quote! {
        #[derive(Debug, Clone, PartialEq, #eq)]
        pub enum #ty {
            #(#arms)*
        }

        #helpers::union!(#ty {
            #(#codec)*
        });

        #display
    }
}
