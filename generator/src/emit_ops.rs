//! Operation emission: a `Client` method and a typestate request builder per operation,
//! in `generated/operations.rs`.
//!
//! What every builder shares is defined once, at the top of the file, by the runtime's
//! `request_builder!` (`builder_type`: `Builder`, with the per-call options, `send()`,
//! `send_with_response()` and `Debug`; it is defined in the generated crate because each
//! operation adds its setters to it as inherent methods, which only the crate defining a
//! type may do). Per operation this emits only what differs: a module with its `Inputs`
//! (one `Option` per input, and `into_request`, which checks and encodes them) and its
//! typestate; the builder, an alias of `Builder` over those; and its setters. The pipeline
//! they call is the runtime crate's.
//!
//! A builder with required inputs has one type parameter, its state: a tuple with one
//! slot per required input, each the input's `Missing…` marker until its setter makes it
//! `Set`. A setter returns the state with its slot set, `Filled<S, slot>` (the runtime's
//! `typestate::Fill`, implemented once for every tuple length), so it never restates the
//! other slots, and the generated code grows linearly with the number of inputs. The
//! operation's `State` trait only bundles the `Fill` bounds its setters need. `send()`
//! requires the state to be `Complete` for the operation's inputs, so forgetting a
//! required field is a compile error that names the field's marker.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::{Piece, doc_lines, doc_text, example_section, ident, rust_type, sections};
use crate::emit_types::Optionality;
use crate::model::InputKind as Where;
use crate::model::{
    AnswerMedia, Api, BodyEncoding, BodyShape, Constraints, EnvelopeFields, ErrorAnswer, Operation,
    PartKind, PathPart, QueryEncoding, RetryKind, Security, SharedEnvelope, TypeKind, TypeRef,
};
use crate::naming::bare;

/// What an operation's module imports: the runtime's prelude for generated operations, so
/// that its code reads `OperationRequest::new(..)`, not
/// `crate::request::OperationRequest::new(..)`, with one line instead of one per path.
///
/// The module's own items (`Inputs`, its markers) shadow the glob. A local of
/// `into_request` can shadow an imported function: the prelude's function names are
/// reserved input names (see `lower`'s `RESERVED_BUILDER_FNS`).
fn prelude() -> TokenStream {
    quote!(
        use enkash_rewards_runtime::builder::prelude::*;
    )
}

pub fn operations_file(api: &Api) -> Vec<Piece<'_>> {
    let ops: Vec<Plan<'_>> = api.operations.iter().map(|op| Plan::new(op, api)).collect();
    let client_fns = ops.iter().map(client_fn);
    // Emitted only when used, as generated code has no dead code: no builder for a spec
    // without operations, no state change for one whose operations have no typestate.
    let with_typestate = ops.iter().any(|p| p.typestate().next().is_some());
    let negotiated = api
        .operations
        .iter()
        .any(|op| op.response.media == AnswerMedia::Negotiated);
    let keyed = api.operations.iter().any(keyed_write);
    let binary = api
        .operations
        .iter()
        .any(|op| op.response.media == AnswerMedia::Binary);
    let builder_type =
        (!ops.is_empty()).then(|| builder_type(with_typestate, negotiated, keyed, binary));
    let envelopes = api.envelopes.iter().map(envelope_const);
    let envelope_use = (!api.envelopes.is_empty()).then(|| {
        quote!(
            use enkash_rewards_runtime::request::Envelope;
        )
    });
    let typestate_use = with_typestate.then(|| {
        quote!(
            use enkash_rewards_runtime::request::typestate::{Fill, Filled};
        )
    });
    let head = quote! {
        //! One request builder per operation, and the `Client` methods that start them.
        //!
        //! Required inputs are checked at compile time: `send()` exists only once every
        //! required setter has been called.

        #envelope_use
        #typestate_use

        impl crate::Client {
            #(#client_fns)*
        }

        #(#envelopes)*

        #builder_type
    };
    let mut pieces = vec![Piece::Code(head)];
    // Each operation's builder made by the worker that formats it.
    pieces.extend(
        ops.into_iter()
            .map(|plan| Piece::Own(Box::new(move || builder(&plan, api)))),
    );
    pieces
}

/// The constant that the operations whose answers share an envelope shape refer to.
fn envelope_const(envelope: &SharedEnvelope) -> TokenStream {
    let name = ident(&envelope.const_name);
    let doc = doc_text(&match &envelope.type_name {
        Some(ty) => format!(
            " The members of a [`{ty}`](crate::types::{ty}) answer: result code, message, payload."
        ),
        None => " The members of an enveloped answer: result code, message, payload.".to_owned(),
    });
    let EnvelopeFields {
        code,
        message,
        payload,
    } = &envelope.fields;
    quote! {
        #[doc = #doc]
        const #name: Envelope = Envelope {
            code: &[#(#code),*],
            message: &[#(#message),*],
            payload: &[#(#payload),*],
        };
    }
}

/// `Builder<I, S>`: the half of every operation's request builder that is the same for all,
/// over an operation's `Inputs` `I` and typestate `S`. Its text is the same for every spec,
/// so the runtime holds it (`request_builder!`); this names the parts a spec needs: the
/// state change only with typestate, `accept()` only with a negotiated answer, the
/// keyed-write opt-in only with a keyed write, `send_streaming()` only with a file answer.
fn builder_type(with_typestate: bool, negotiated: bool, keyed: bool, binary: bool) -> TokenStream {
    let parts = [
        (with_typestate, "typestate"),
        (negotiated, "accept"),
        (keyed, "resend"),
        (binary, "streaming"),
    ]
    .into_iter()
    .filter(|(wanted, _)| *wanted)
    .map(|(_, part)| format_ident!("{part}"));
    quote!(
        enkash_rewards_runtime::builder::request_builder!(#(#parts),*);
    )
}

/// Whether a caller may opt in to resending this operation: a write keyed by an input
/// (lowering classes a write `KeyedWrite` only when it has its key).
fn keyed_write(op: &Operation) -> bool {
    op.retry == RetryKind::KeyedWrite
}

/// A view of one of the operation's [`model::Input`]s, with its body field looked up.
struct Input<'a> {
    /// Setter and builder-field name.
    name: String,
    wire: &'a str,
    ty: &'a TypeRef,
    /// The field inside the request body struct (its `Box` and `Option` layers).
    body_field: Option<&'a crate::model::Field>,
    /// The body struct's own field name, when this input is a body field.
    struct_field: Option<&'a str>,
    location: Where,
    required: bool,
    in_typestate: bool,
    /// The input's slot in the builder's state tuple, when it is in the typestate.
    slot: usize,
    query: QueryEncoding,
    part: Option<PartKind>,
    doc: Option<&'a str>,
    constraints: &'a Constraints,
    /// Whether `into_request` checks the value against its constraints before encoding.
    checked: bool,
    /// Whether the value goes from the builder straight into the body struct's literal: a
    /// field of a spread JSON or form body that is neither checked nor the idempotency key
    /// (both read a bound value before the body takes it).
    inline: bool,
    example: Option<&'a Value>,
    deprecated: bool,
}

struct Plan<'a> {
    op: &'a Operation,
    inputs: Vec<Input<'a>>,
    /// The snake-case module holding the builder's `Missing…` markers.
    markers: proc_macro2::Ident,
}

impl<'a> Plan<'a> {
    fn new(op: &'a Operation, api: &'a Api) -> Self {
        let body = op.body.as_ref().and_then(|b| b.spread(&api.types));
        // A spread body other than multipart is built as its struct's literal.
        let literal = op
            .body
            .as_ref()
            .is_some_and(|b| b.encoding != BodyEncoding::Multipart);
        let inputs = op
            .inputs
            .iter()
            .zip(op.typestate_slots())
            .map(|(i, slot)| {
                let body_field = i
                    .body_field
                    .and_then(|k| body.and_then(|s| s.fields.get(k)));
                let checked =
                    !i.constraints.is_empty() && (api.is_string(&i.ty) || i.ty == TypeRef::Secret);
                let key = op.idempotency_key.as_ref().map(|k| k.setter.as_str());
                Input {
                    name: i.name.clone(),
                    wire: &i.wire,
                    ty: &i.ty,
                    body_field,
                    struct_field: body_field.map(|f| f.rust.as_str()),
                    location: i.kind,
                    required: i.required,
                    in_typestate: slot.is_some(),
                    slot: slot.unwrap_or_default(),
                    query: i.query,
                    part: i.part,
                    doc: i.doc.as_deref(),
                    constraints: &i.constraints,
                    checked,
                    inline: literal
                        && body_field.is_some()
                        && !checked
                        && key != Some(i.name.as_str()),
                    example: i.example.as_ref(),
                    deprecated: i.deprecated,
                }
            })
            .collect();
        Plan {
            op,
            inputs,
            markers: ident(&op.fn_name),
        }
    }

    /// Inputs with a typestate parameter: required, and not positional (path).
    fn typestate(&self) -> impl Iterator<Item = &Input<'a>> {
        self.inputs.iter().filter(|i| i.in_typestate)
    }

    fn builder_ident(&self) -> proc_macro2::Ident {
        ident(&self.op.builder)
    }
}

fn marker(i: &Input<'_>) -> proc_macro2::Ident {
    format_ident!("Missing{}", bare(&i.name).to_upper_camel_case())
}

/// A slot's number as written in a type: `Filled<S, 0>`.
fn slot_literal(n: usize) -> proc_macro2::Literal {
    proc_macro2::Literal::usize_unsuffixed(n)
}

fn client_fn(plan: &Plan<'_>) -> TokenStream {
    let op = plan.op;
    let f = ident(&op.fn_name);
    let b = plan.builder_ident();
    let path_inputs: Vec<&Input<'_>> = plan
        .inputs
        .iter()
        .filter(|i| i.location == Where::Path)
        .collect();
    let args = path_inputs.iter().map(|i| {
        let name = ident(&i.name);
        let ty = rust_type(i.ty);
        quote!(#name: impl Into<#ty>)
    });
    let given = path_inputs.iter().map(|i| {
        let name = ident(&i.name);
        quote!(builder.inputs.#name = Some(#name.into());)
    });
    let body = if path_inputs.is_empty() {
        quote!(#b::new(self, Default::default()))
    } else {
        quote! {
            let mut builder = #b::new(self, Default::default());
            #(#given)*
            builder
        }
    };
    // One line: the builder's own docs say the rest.
    let route = format!("`{} {}`", op.method.to_uppercase(), op.path);
    let summary = op
        .summary
        .as_deref()
        .map(crate::emit::sanitize_markdown)
        .filter(|s| !s.trim().is_empty());
    let docs = doc_lines(&match summary {
        Some(s) if !s.contains('\n') => format!(
            "{} ({route}): see [`{}`].",
            s.trim().trim_end_matches('.'),
            op.builder
        ),
        Some(s) => sections(&[s, format!("{route}: see [`{}`].", op.builder)]),
        None => format!("Starts [`{}`] ({route}).", op.builder),
    });
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #docs
        #deprecated
        pub fn #f(&self, #(#args),*) -> #b {
            #body
        }
    }
}

/// The module of an operation: its `Inputs` (one `Option` per input, and how they become a
/// request), and, when it has required inputs, its typestate: a `Missing…` marker per
/// required input and the `Empty` state they make up. The runtime's `Fill` (what a setter
/// does to a state) and `Complete` (what `send()` needs: every slot `Set`) hold for every
/// state tuple, so an operation adds nothing to them.
fn op_module(plan: &Plan<'_>, api: &Api) -> TokenStream {
    let op = plan.op;
    let markers = &plan.markers;
    let states: Vec<&Input<'_>> = plan.typestate().collect();
    let module_doc = doc_text(&format!(
        " The inputs{} of [`{b}`](super::{b}).",
        if states.is_empty() {
            ""
        } else {
            " and typestate"
        },
        b = op.builder
    ));
    let inputs_doc = doc_text(&format!(
        " The inputs of [`{b}`](super::{b}), set through its setters.",
        b = op.builder
    ));
    let fields = plan.inputs.iter().map(|i| {
        let name = ident(&i.name);
        let ty = rust_type(i.ty);
        quote!(pub(crate) #name: Option<#ty>,)
    });
    let request = into_request(plan, api);
    let keyed = keyed_write(op).then(|| quote!(impl KeyedWrite for Inputs {}));
    let negotiated = (op.response.media == AnswerMedia::Negotiated)
        .then(|| quote!(impl NegotiatedAnswer for Inputs {}));
    let binary =
        (op.response.media == AnswerMedia::Binary).then(|| quote!(impl BinaryAnswer for Inputs {}));
    let typestate = typestate(&states);
    let uses = prelude();
    quote! {
        pub mod #markers {
            #![doc = #module_doc]

            #uses

            #[doc = #inputs_doc]
            #[derive(Debug, Default)]
            pub struct Inputs {
                #(#fields)*
            }

            #request

            #keyed

            #negotiated

            #binary

            #typestate
        }
    }
}

/// The typestate items of an operation's module (nothing when it has no required input):
/// the runtime's `states!` writes a documented `Missing…` marker per required input, each
/// naming its wire name and setter, and `Empty`.
fn typestate(states: &[&Input<'_>]) -> TokenStream {
    if states.is_empty() {
        return TokenStream::new();
    }
    let slots = states.iter().map(|i| {
        let m = marker(i);
        let wire = i.wire;
        let setter = ident(&i.name);
        quote!(#m: #wire => #setter)
    });
    quote! {
        states! {
            #(#slots),*
        }
    }
}

fn builder(plan: &Plan<'_>, api: &Api) -> TokenStream {
    let b = plan.builder_ident();
    let markers = &plan.markers;
    let typed = plan.typestate().next().is_some();
    let module = op_module(plan, api);
    let builder_docs = builder_doc(plan, api);
    let (alias_generics, state, impl_generics, self_ty) = if typed {
        (
            quote!(<S = #markers::Empty>),
            quote!(, S),
            {
                let slots = plan.typestate().map(|i| slot_literal(i.slot));
                quote!(<S: #(Fill<#slots>)+*>)
            },
            quote!(#b<S>),
        )
    } else {
        let none = TokenStream::new;
        (none(), none(), none(), quote!(#b))
    };
    let setters: Vec<TokenStream> = plan
        .inputs
        .iter()
        .filter(|i| i.location != Where::Path)
        .map(|i| setter(plan, i))
        .collect();
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl #impl_generics #self_ty {
                #(#setters)*
            }
        }
    });
    quote! {
        #module

        #builder_docs
        pub type #b #alias_generics = Builder<#markers::Inputs #state>;

        #setters
    }
}

fn builder_doc(plan: &Plan<'_>, api: &Api) -> TokenStream {
    let op = plan.op;
    let mut parts = Vec::new();
    // Without a summary the route paragraph, which names the operation, comes first.
    if let Some(summary) = &op.summary {
        parts.push(crate::emit::sanitize_markdown(summary));
    }
    if let Some(d) = &op.description {
        parts.push(crate::emit::sanitize_markdown(d));
    }
    // One paragraph for where and how the call goes, one for what `send()` needs and gives.
    parts.push(format!(
        "`{} {}` (operation `{}`). {}",
        op.method.to_uppercase(),
        op.path,
        op.id,
        retry_note(op)
    ));
    let mut sending = Vec::new();
    let required: Vec<String> = plan
        .typestate()
        .map(|i| format!("`.{}(..)`", i.name))
        .collect();
    if !required.is_empty() {
        sending.push(format!(
            "Required before `.send()`: {}.",
            required.join(", ")
        ));
    }
    // Beyond the slots a state tracks: checked when the request is built.
    let unchecked: Vec<String> = plan
        .inputs
        .iter()
        .filter(|i| i.required && !i.in_typestate && i.location != Where::Path)
        .map(|i| format!("`.{}(..)`", i.name))
        .collect();
    if !unchecked.is_empty() {
        sending.push(format!(
            "Also required, checked when the request is built (a missing one is an \
             [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming it): {}.",
            unchecked.join(", ")
        ));
    }
    sending.push(returns_doc(op, api));
    parts.push(sending.join(" "));
    // The usage example sets the body's example values through the setters; the body as
    // JSON is shown only when there is no usage example to show them.
    match usage_example(plan, api) {
        Some(example) => parts.push(example),
        None => parts.push(example_section(
            "Example request body",
            op.body.as_ref().and_then(|b| b.example.as_ref()),
        )),
    }
    let title = match op.response.envelope {
        Some(_) => "Example payload",
        None => "Example response",
    };
    parts.push(example_section(title, op.response.payload_example.as_ref()));
    doc_lines(&sections(&parts))
}

/// How the operation is retried: its class, whose policy the runtime's docs state (the one
/// place it is written), and for a keyed write the key and the opt-in.
fn retry_note(op: &Operation) -> String {
    let class = match op.retry {
        RetryKind::Idempotent => "Idempotent",
        RetryKind::KeyedWrite => "KeyedWrite",
        RetryKind::NonIdempotent => "NonIdempotent",
    };
    let class = format!("Retry class: [`{class}`](crate::request::RetryClass::{class})");
    match (&op.idempotency_key, op.retry) {
        (Some(key), RetryKind::KeyedWrite) => format!(
            "{class}, keyed by `{key}`: opt in with [`resend_keyed_write`](crate::operations::Builder::resend_keyed_write) only once the server is known to apply a repeated `{key}` once. An unknown outcome is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) naming your `{key}`.",
            key = key.wire
        ),
        _ => format!("{class}."),
    }
}

/// rustfmt's default `chain_width`: a longer method chain is written one call a line.
const CHAIN_WIDTH: usize = 60;

/// A `no_run` doctest calling the builder with every required input, when example values
/// can be written for all of them.
fn usage_example(plan: &Plan<'_>, api: &Api) -> Option<String> {
    let op = plan.op;
    let krate = api.crate_name.as_str();
    let mut args = Vec::new();
    for i in plan.inputs.iter().filter(|i| i.location == Where::Path) {
        args.push(literal(
            i.ty,
            i.example
                .or(Some(&Value::String(format!("{}-example", i.wire)))),
            api,
        )?);
    }
    let mut calls = vec![format!(".{}({})", op.fn_name, args.join(", "))];
    for i in plan.typestate() {
        calls.push(format!(".{}({})", i.name, literal(i.ty, i.example, api)?));
    }
    calls.extend([".send()".to_owned(), ".await?".to_owned()]);
    let payload = match op.response.payload() {
        TypeRef::Unit => "()",
        _ => "payload",
    };
    let binding = if payload == "()" {
        "".to_owned()
    } else {
        "let payload = ".to_owned()
    };
    let show = if payload == "()" {
        ""
    } else {
        "\nprintln!(\"{payload:?}\");"
    };
    // As rustfmt writes it: the chain on one line when it is short, else one call a line.
    let one_line = format!("client{}", calls.concat());
    let chain = if one_line.len() <= CHAIN_WIDTH {
        one_line
    } else {
        format!("client\n    {}", calls.join("\n    "))
    };
    Some(format!(
        "# Example\n\n```no_run\n# async fn run(client: {krate}::Client) -> Result<(), {krate}::Error> {{\n{binding}{chain};{show}\n# Ok(())\n# }}\n```"
    ))
}

/// A Rust expression for an example value of `ty`, from the spec's example when it has one.
fn literal(ty: &TypeRef, example: Option<&Value>, api: &Api) -> Option<String> {
    Some(match ty {
        TypeRef::String | TypeRef::Secret => {
            format!("{:?}", example.and_then(Value::as_str).unwrap_or("example"))
        }
        TypeRef::Boolean => example
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .to_string(),
        TypeRef::I32 | TypeRef::I64 => example.and_then(Value::as_i64).unwrap_or(1).to_string(),
        TypeRef::F32 | TypeRef::F64 => {
            format!("{:?}", example.and_then(Value::as_f64).unwrap_or(1.0))
        }
        TypeRef::Decimal => match example.map(|v| v.to_string()) {
            Some(n) if n.parse::<i64>().is_ok() => n,
            Some(n) => format!("rust_decimal::Decimal::from_str_exact({n:?}).unwrap()"),
            None => "1".to_owned(),
        },
        // An enum value is written as its variant: enums take no strings.
        TypeRef::Named(n) => match api.get(n).map(|t| &t.kind) {
            Some(TypeKind::StringEnum(variants)) => {
                let wire = example.and_then(Value::as_str);
                let v = variants
                    .iter()
                    .find(|v| Some(v.wire.as_str()) == wire)
                    .or(variants.first())?;
                format!("{}::types::{n}::{}", api.crate_name.as_str(), v.rust)
            }
            Some(TypeKind::IntEnum(variants)) => {
                let wire = example.and_then(Value::as_i64);
                let v = variants
                    .iter()
                    .find(|v| Some(v.wire) == wire)
                    .or(variants.first())?;
                format!("{}::types::{n}::{}", api.crate_name.as_str(), v.rust)
            }
            _ if api.is_string(ty) => format!("{:?}", example.and_then(Value::as_str)?),
            _ => return None,
        },
        TypeRef::File => format!(
            "{}::UploadFile::new(b\"example\".to_vec()).file_name(\"example.txt\")",
            api.crate_name.as_str()
        ),
        _ => return None,
    })
}

fn setter(plan: &Plan<'_>, i: &Input<'_>) -> TokenStream {
    let b = plan.builder_ident();
    let name = ident(&i.name);
    let ty = rust_type(i.ty);
    let own = i
        .doc
        .map(crate::emit::sanitize_markdown)
        .unwrap_or_default();
    let mut notes = Vec::new();
    let place = match i.location {
        Where::Query => format!("Query parameter `{}`.", i.wire),
        Where::Header => format!("Header `{}`.", i.wire),
        Where::BodyField => format!("Body field `{}`.", i.wire),
        _ => "The request body.".to_owned(),
    };
    let required = match (i.required, i.in_typestate) {
        (true, true) => " Required.",
        (true, false) => " Required (checked when the request is built).",
        (false, _) => "",
    };
    notes.push(format!("{place}{required}"));
    match (&i.constraints.pattern, &i.constraints.pattern_unchecked) {
        (Some(p), None) => notes.push(format!("Checked before sending: must match `{p}`.")),
        (Some(p), Some(why)) => notes.push(format!(
            "Must match `{p}` (not checked before sending: {why})."
        )),
        _ => {}
    }
    if let (Some(a), Some(b)) = (i.constraints.min_length, i.constraints.max_length) {
        notes.push(format!("Checked before sending: {a} to {b} characters."));
    }
    let docs = doc_lines(&crate::emit::with_notes(&own, &notes.join(" ")));
    let deprecated = i.deprecated.then(|| quote!(#[deprecated]));
    if !i.in_typestate {
        return quote! {
            #docs
            #deprecated
            pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                self.inputs.#name = Some(value.into());
                self
            }
        };
    }
    let slot = slot_literal(i.slot);
    quote! {
        #docs
        #deprecated
        pub fn #name(mut self, value: impl Into<#ty>) -> #b<Filled<S, #slot>> {
            self.inputs.#name = Some(value.into());
            self.into_state()
        }
    }
}

/// The operation's `OperationInputs` impl: its spec and output, and `into_request`, which
/// checks the inputs and encodes them into the request.
fn into_request(plan: &Plan<'_>, api: &Api) -> TokenStream {
    let op = plan.op;
    let payload = match op.response.media {
        AnswerMedia::Binary => quote!(crate::Binary),
        AnswerMedia::Json | AnswerMedia::Text => rust_type(op.response.payload()),
        AnswerMedia::Negotiated => {
            let json = rust_type(op.response.payload());
            quote!(crate::Negotiated<#json>)
        }
    };
    let name = &op.builder;
    let (plain, unwraps) = moved_inputs(plan);
    let checks: Vec<TokenStream> = plan
        .inputs
        .iter()
        .filter(|i| i.checked)
        .map(|i| check(i))
        .collect();

    let path = path_params(plan);
    let query = pairs(plan, Where::Query, quote!(query));
    let query_objects = object_pairs(plan);
    let headers = pairs(plan, Where::Header, quote!(headers));
    let (body, encoded) = body_expr(plan, api).unzip();

    // The request: `OperationRequest::of` the operation's spec, then what this call sets
    // (assigned, since the runtime may add fields to it).
    let mut fields = Vec::new();
    for (present, field) in [
        (query.is_some(), quote!(query)),
        (query_objects.is_some(), quote!(query_objects)),
        (headers.is_some(), quote!(headers)),
    ] {
        if present {
            fields.push(quote!(request.#field = #field;));
        }
    }
    if let Some(encoded) = encoded {
        fields.push(quote!(request.body = #encoded;));
    }
    if op.idempotency_key.is_some() {
        fields.push(quote!(request.idempotency_key = idempotency_key;));
    }
    // The key's value is read before the body takes it.
    let key = op.idempotency_key.as_ref().map(|key| {
        let wire = &key.wire;
        let value = ident(&key.setter);
        quote!(let idempotency_key = Some(IdempotencyKey { field: #wire, value: #value.to_string() });)
    });
    // `Ok(OperationRequest::of(&SPEC))` when that is all (`at_path` already returns a
    // `Result` of `InvalidInput`); a longer start reads best bound.
    let finish = match (path, fields.is_empty()) {
        (None, true) => quote!(Ok(OperationRequest::of(&SPEC))),
        (None, false) => quote! {
            let mut request = OperationRequest::of(&SPEC);
            #(#fields)*
            Ok(request)
        },
        (Some(path), true) => quote!(OperationRequest::at_path(&SPEC, #path)),
        (Some(path), false) => quote! {
            let mut request = OperationRequest::at_path(&SPEC, #path)?;
            #(#fields)*
            Ok(request)
        },
    };
    let spec = operation_spec(op, api);
    let spec_doc = doc_text(&format!(
        " What every call of [`{name}`](super::{name}) shares: method, path template and how it is sent and answered."
    ));
    quote! {
        #[doc = #spec_doc]
        pub(crate) static SPEC: OperationSpec = #spec;

        impl OperationInputs for Inputs {
            const SPEC: &'static OperationSpec = &SPEC;
            type Output = #payload;

            fn into_request(self) -> Result<OperationRequest, InvalidInput> {
                #plain
                #(#unwraps)*
                #(#checks)*
                #key
                #body
                #query
                #query_objects
                #headers
                #finish
            }
        }
    }
}

/// How `into_request` binds the inputs it reads before the body (all but the inline ones,
/// which the body's literal takes itself): the required ones (and path ones) one by one
/// through `take` (`Complete` proved them set; a path input was given to the `Client`
/// method), the others in one pattern.
fn moved_inputs(plan: &Plan<'_>) -> (Option<TokenStream>, Vec<TokenStream>) {
    let given = |i: &&Input<'_>| i.required || i.location == Where::Path;
    let unwraps = plan
        .inputs
        .iter()
        .filter(|i| !i.inline)
        .filter(given)
        .map(|i| {
            let n = ident(&i.name);
            let wire = i.wire;
            quote!(let #n = take(self.#n, #wire)?;)
        })
        .collect();
    let plain: Vec<_> = plan
        .inputs
        .iter()
        .filter(|i| !i.inline && !given(i))
        .map(|i| ident(&i.name))
        .collect();
    let plain = (!plain.is_empty()).then(|| {
        let rest = (plain.len() < plan.inputs.len()).then(|| quote!(, ..));
        quote!(let Inputs { #(#plain),* #rest } = self;)
    });
    (plain, unwraps)
}

/// The operation's `OperationSpec`: the runtime's constructor for its method
/// (`OperationSpec::get`, or `OperationSpec::new` naming a method without one) with its id
/// and path template, then what differs from its defaults: security, retry class, outcome
/// lookup, envelope and answer format.
fn operation_spec(op: &Operation, api: &Api) -> TokenStream {
    let id = &op.id;
    let method = format_ident!("{}", op.method.to_uppercase());
    let template = &op.path;
    let mut calls = Vec::new();
    if !op.security.is_empty() {
        let security = op.security.iter().map(|s| match s {
            Security::Bearer => quote!(Security::Bearer),
            Security::Basic => quote!(Security::Basic),
            Security::ApiKeyHeader(h) => quote!(Security::ApiKeyHeader(#h)),
        });
        calls.push(quote!(.security(&[#(#security),*])));
    }
    // The runtime's `OperationSpec::get` is already idempotent, every other start is not.
    let class = match op.retry {
        RetryKind::Idempotent if op.method == "get" => None,
        RetryKind::Idempotent => Some(quote!(Idempotent)),
        RetryKind::KeyedWrite => Some(quote!(KeyedWrite)),
        RetryKind::NonIdempotent => None,
    };
    if let Some(class) = class {
        calls.push(quote!(.retry(RetryClass::#class)));
    }
    if let Some(id) = &op.outcome_lookup {
        calls.push(quote!(.outcome_lookup(#id)));
    }
    if let Some(name) = op
        .response
        .envelope
        .as_ref()
        .and_then(|(env, _)| api.envelope_const(env))
    {
        let name = ident(name);
        calls.push(quote!(.envelope(super::#name)));
    }
    let accept = op.response.accept.as_deref().unwrap_or_default();
    let answer = match op.response.media {
        AnswerMedia::Json => None,
        AnswerMedia::Text => Some(quote!(Text)),
        AnswerMedia::Binary => Some(quote!(Binary)),
        AnswerMedia::Negotiated => Some(quote!(Negotiated { accept: #accept })),
    };
    if let Some(answer) = answer {
        calls.push(quote!(.answer(AnswerFormat::#answer)));
    }
    // The runtime's constructor named after the method, where it has one.
    let start = match op.method.as_str() {
        "get" | "post" | "put" | "patch" | "delete" => {
            let constructor = format_ident!("{}", op.method);
            quote!(OperationSpec::#constructor(#id, #template))
        }
        _ => quote!(OperationSpec::new(#id, &Method::#method, #template)),
    };
    quote!(#start #(#calls)*)
}

/// The request body: the statements that build it (none, or `let body = …;`) and the
/// `Option<RequestBody>` expression that encodes it, as the operation's media type. A
/// spread body is its struct's literal, taking inline inputs straight from the builder
/// (adding the `Box` and `Option` layers its fields need); a whole body is its input.
fn body_expr(plan: &Plan<'_>, api: &Api) -> Option<(TokenStream, TokenStream)> {
    let body = plan.op.body.as_ref()?;
    if body.encoding == BodyEncoding::Multipart {
        return Some((multipart_expr(plan), quote!(Some(parts.finish()?))));
    }
    let none = TokenStream::new();
    Some(match body {
        b if b.encoding == BodyEncoding::Raw => {
            // Sent as given under the spec's media type: bytes, or a string's bytes.
            let media = &b.media;
            let bytes = if b.ty == TypeRef::String {
                quote!(body.into_bytes())
            } else {
                quote!(body)
            };
            if b.required {
                (none, quote!(Some(RequestBody::raw(#media, #bytes))))
            } else {
                (
                    none,
                    quote!(body.map(|body| RequestBody::raw(#media, #bytes))),
                )
            }
        }
        b => {
            let encode = match b.encoding {
                BodyEncoding::Json => quote!(RequestBody::json),
                _ => quote!(RequestBody::form),
            };
            match &b.shape {
                BodyShape::Spread { name, .. } => {
                    let extra = b.spread(&api.types).and_then(|s| s.extra.as_ref());
                    let ty = ident(name);
                    let fields = || {
                        plan.inputs
                            .iter()
                            .filter(|i| i.location == Where::BodyField)
                    };
                    let inits = fields().map(|i| spread_field(i));
                    let allow = fields().any(|i| i.deprecated).then(|| {
                        quote!(#[allow(deprecated, reason = "the request sends every member it was given")])
                    });
                    let extra = extra.map(|(e, _)| {
                        let e = ident(e);
                        quote!(#e: Default::default(),)
                    });
                    (
                        quote!(#allow let body = crate::types::#ty { #(#inits)* #extra };),
                        quote!(Some(#encode(&body)?)),
                    )
                }
                // Decimals outside a struct need the exact adapter to stay JSON numbers.
                _ if api.contains_decimal(&b.ty) && b.required => (
                    none,
                    quote!(Some(#encode(&crate::serde_helpers::AsExact(&body))?)),
                ),
                _ if api.contains_decimal(&b.ty) => (
                    none,
                    quote!(body.as_ref().map(|body| #encode(&crate::serde_helpers::AsExact(body))).transpose()?),
                ),
                _ if b.required => (none, quote!(Some(#encode(&body)?))),
                _ => (none, quote!(body.as_ref().map(#encode).transpose()?)),
            }
        }
    })
}

/// One field of a spread body's literal: `field: value,` (or `field,`). An inline input is
/// read from the builder here, through `take` when required; another is its bound value.
fn spread_field(i: &Input<'_>) -> TokenStream {
    let f = i.body_field.expect("body inputs carry their field");
    let field = ident(i.struct_field.expect("body inputs carry their field"));
    let n = ident(&i.name);
    let wire = i.wire;
    let value = match (i.inline, i.required) {
        (false, _) => quote!(#n),
        (true, true) => quote!(take(self.#n, #wire)?),
        (true, false) => quote!(self.#n),
    };
    // The builder holds `T` for a required input and `Option<T>` for an optional one; the
    // struct field may add a `Box` and an `Option` layer (see `Optionality`).
    let boxed = |v: TokenStream| if f.boxed { quote!(Box::new(#v)) } else { v };
    let value = match (f.optionality, i.required) {
        (Optionality::Required, _) => boxed(value),
        // A required nullable field is an `Option` in the struct.
        (Optionality::Optional, true) => {
            let v = boxed(value);
            quote!(Some(#v))
        }
        (Optionality::Optional, false) if f.boxed => quote!(#value.map(Box::new)),
        (Optionality::Optional, false) => value,
        (Optionality::OptionalNullable, _) if f.boxed => {
            quote!(#value.map(|v| Some(Box::new(v))))
        }
        (Optionality::OptionalNullable, _) => quote!(#value.map(Some)),
    };
    if field == value.to_string() {
        return quote!(#field,);
    }
    quote!(#field: #value,)
}

/// What `send()` returns, in words, for its doc comment.
fn returns_doc(op: &Operation, api: &Api) -> String {
    let text = match (op.response.media, op.response.payload()) {
        (AnswerMedia::Binary, _) => {
            "returns the answer's bytes, exactly as sent, as [`Binary`](crate::Binary) (`send_with_response()` also gives the headers, the media type among them); [`.send_streaming()`](crate::operations::Builder::send_streaming) hands them over as they arrive, for a file too large to hold.".to_owned()
        }
        (AnswerMedia::Text, _) => "returns the answer's text, as sent.".to_owned(),
        (AnswerMedia::Negotiated, payload) => format!(
            "returns the answer in the media type the server sent, as a [`Negotiated`](crate::Negotiated): JSON decoded{}, text or bytes as sent. It asks for any of `{}`; `.accept(media_type)` asks for one.",
            match payload {
                TypeRef::Named(n) => format!(" into [`{n}`](crate::types::{n})"),
                _ => String::new(),
            },
            op.response.accept.as_deref().unwrap_or_default()
        ),
        (_, TypeRef::Unit) => "returns `()` on success.".to_owned(),
        (_, TypeRef::Named(n)) => match api.get(n).map(|t| &t.kind) {
            _ if op.response.envelope.is_some() => format!("returns the envelope's payload, [`{n}`](crate::types::{n}); a non-zero result code is an [`Error::Api`](crate::Error::Api) even on HTTP 200."),
            Some(TypeKind::Struct(_)) | Some(_) | None => format!("returns [`{n}`](crate::types::{n})."),
        },
        (_, _) if op.response.envelope.is_some() => "returns the envelope's payload; a non-zero result code is an [`Error::Api`](crate::Error::Api) even on HTTP 200.".to_owned(),
        _ => "returns the decoded body.".to_owned(),
    };
    format!(
        "[`.send()`](crate::operations::Builder::send) {text}{}",
        errors_doc(&op.response.errors)
    )
}

/// What the body of each error answer the spec describes is, when it describes any.
fn errors_doc(errors: &[ErrorAnswer]) -> String {
    let mut types: Vec<String> = errors
        .iter()
        .map(|e| {
            let statuses: Vec<String> = e.statuses.iter().map(|s| format!("`{s}`")).collect();
            let n = &e.type_name;
            format!("[`{n}`](crate::types::{n}) ({})", statuses.join(", "))
        })
        .collect();
    let Some(last) = types.pop() else {
        return String::new();
    };
    let listed = if types.is_empty() {
        last
    } else {
        format!("{} or {last}", types.join(", "))
    };
    format!(
        " Its error answers have a body of {listed}: read it with [`Error::http_body`](crate::Error::http_body)."
    )
}

fn check(i: &Input<'_>) -> TokenStream {
    let n = ident(&i.name);
    let wire = i.wire;
    let pattern = match (&i.constraints.pattern, &i.constraints.pattern_unchecked) {
        (Some(p), None) => quote!(Some(#p)),
        _ => quote!(None),
    };
    let length = |limit: Option<usize>| match limit {
        Some(v) => {
            let v = proc_macro2::Literal::usize_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    };
    let min = length(i.constraints.min_length);
    let max = length(i.constraints.max_length);
    let call = |v: TokenStream| quote!(check_string(#wire, #v, #pattern, #min, #max)?;);
    let secret = *i.ty == TypeRef::Secret;
    match (i.required, secret) {
        (true, false) => call(quote!(&#n)),
        (true, true) => call(quote!(#n.expose())),
        (false, false) => {
            let c = call(quote!(value));
            quote!(if let Some(value) = &#n { #c })
        }
        (false, true) => {
            let c = call(quote!(value.expose()));
            quote!(if let Some(value) = &#n { #c })
        }
    }
}

/// The values filling the path template's placeholders, in the template's order (the
/// runtime encodes each as one segment), or `None` for a path without parameters.
fn path_params(plan: &Plan<'_>) -> Option<TokenStream> {
    let path_inputs: Vec<&Input<'_>> = plan
        .inputs
        .iter()
        .filter(|i| i.location == Where::Path)
        .collect();
    let values: Vec<TokenStream> = plan
        .op
        .path_parts
        .iter()
        .filter_map(|part| match part {
            PathPart::Param(n) => path_inputs.get(*n).map(|i| {
                let n = ident(&i.name);
                quote!(&#n)
            }),
            PathPart::Text(_) => None,
        })
        .collect();
    (!values.is_empty()).then(|| quote!(&[#(#values),*]))
}

/// Builds the `query` or `headers` list of `(name, value)` pairs.
fn pairs(plan: &Plan<'_>, location: Where, var: TokenStream) -> Option<TokenStream> {
    let inputs: Vec<&Input<'_>> = plan
        .inputs
        .iter()
        .filter(|i| i.location == location && object_style(i.query).is_none())
        .collect();
    if inputs.is_empty() {
        return None;
    }
    let text = |i: &Input<'_>, v: TokenStream| -> TokenStream {
        if matches!(i.ty, TypeRef::String) {
            v
        } else {
            quote!(#v.to_string())
        }
    };
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for i in &inputs {
        let n = ident(&i.name);
        let wire = i.wire;
        let one = |v: TokenStream| -> TokenStream { quote!((#wire, #v)) };
        // Written only when present: a required input is always present.
        let when_present = |push: TokenStream| -> TokenStream {
            if i.required {
                push
            } else {
                quote!(if let Some(#n) = #n { #push })
            }
        };
        match (i.ty, i.query) {
            (TypeRef::Array(item), QueryEncoding::Repeated) => {
                let item_text = if matches!(**item, TypeRef::String) {
                    quote!(item)
                } else {
                    quote!(item.to_string())
                };
                optional.push(when_present(
                    quote!(for item in #n { #var.push((#wire, #item_text)); }),
                ));
            }
            (_, QueryEncoding::Joined(separator)) => {
                let joined =
                    quote!(#n.iter().map(ToString::to_string).collect::<Vec<_>>().join(#separator));
                if i.required {
                    required.push(one(joined))
                } else {
                    optional.push(when_present(quote!(#var.push((#wire, #joined));)))
                }
            }
            (_, _) if i.required => required.push(one(text(i, quote!(#n)))),
            (_, _) => optional.push(quote!(push_present(&mut #var, #wire, #n);)),
        }
    }
    let init = if required.is_empty() {
        quote!(Vec::new())
    } else {
        quote!(vec![#(#required),*])
    };
    Some(if optional.is_empty() {
        quote!(let #var = #init;)
    } else {
        quote! {
            let mut #var = #init;
            #(#optional)*
        }
    })
}

/// The statements writing the parts of a `multipart/form-data` body: one part per field set,
/// in the spec's order, each written as lowering decided ([`PartKind`]).
fn multipart_expr(plan: &Plan<'_>) -> TokenStream {
    let parts = plan
        .inputs
        .iter()
        .filter_map(|i| Some((i, i.part?)))
        .map(|(i, part)| {
            let n = ident(&i.name);
            let wire = i.wire;
            let text = |v: TokenStream| match i.ty {
                TypeRef::String => v,
                // Its `Display` is the redacted placeholder.
                TypeRef::Secret => quote!(#v.expose().to_owned()),
                _ => quote!(#v.to_string()),
            };
            let push = match part {
                PartKind::Text => {
                    let v = text(quote!(#n));
                    quote!(parts.text(#wire, #v)?;)
                }
                PartKind::Texts => quote!(for item in #n { parts.text(#wire, item.to_string())?; }),
                PartKind::Json => quote!(parts.json(#wire, &#n)?;),
                PartKind::File => quote!(parts.file(#wire, #n)?;),
                PartKind::Files => quote!(for file in #n { parts.file(#wire, file)?; }),
            };
            if i.required {
                push
            } else {
                quote!(if let Some(#n) = #n { #push })
            }
        });
    quote! {
        let mut parts = Multipart::new();
        #(#parts)*
    }
}

/// The runtime's name for how an object-valued query parameter is written.
fn object_style(query: QueryEncoding) -> Option<TokenStream> {
    match query {
        QueryEncoding::DeepObject => Some(quote!(Deep)),
        QueryEncoding::ExplodedObject => Some(quote!(Exploded)),
        QueryEncoding::JoinedObject => Some(quote!(Joined)),
        QueryEncoding::JsonText => Some(quote!(Json)),
        _ => None,
    }
}

/// Builds the `query_objects` list: the object-valued query parameters, written out by
/// the runtime.
fn object_pairs(plan: &Plan<'_>) -> Option<TokenStream> {
    let pushes: Vec<TokenStream> = plan
        .inputs
        .iter()
        .filter_map(|i| Some((i, object_style(i.query)?)))
        .map(|(i, style)| {
            let n = ident(&i.name);
            let wire = i.wire;
            let push = quote!(push_object(&mut query_objects, #wire, &#n, QueryObject::#style)?;);
            if i.required {
                push
            } else {
                quote!(if let Some(#n) = #n { #push })
            }
        })
        .collect();
    (!pushes.is_empty()).then(|| {
        quote! {
            let mut query_objects = Vec::new();
            #(#pushes)*
        }
    })
}

#[cfg(test)]
mod tests {
    /// The formatted `operations.rs` of a spec with one operation whose JSON body has `n`
    /// required string fields with long names.
    fn operations_with_required_fields(n: usize) -> String {
        let names: Vec<String> = (0..n).map(|k| format!("requiredInputNumber{k}")).collect();
        let props: String = names
            .iter()
            .map(|f| format!("        {f}: {{type: string}}\n"))
            .collect();
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /wide:\n    post:\n      operationId: sendWide\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Wide'}}\n      responses:\n        '204': {{description: ok}}\ncomponents:\n  schemas:\n    Wide:\n      type: object\n      required: [{}]\n      properties:\n{props}",
            names.join(", ")
        );
        let files = crate::generate(&spec).expect("valid spec");
        let ops = files
            .iter()
            .find(|f| f.path == "operations.rs")
            .expect("emitted");
        ops.contents.clone()
    }

    #[test]
    fn builder_lines_grow_linearly_with_required_inputs() {
        let lines = |n| operations_with_required_fields(n).lines().count();
        let (l4, l8, l12) = (lines(4), lines(8), lines(12));
        let per_field_low = (l8 - l4) as f64 / 4.0;
        let per_field_high = (l12 - l8) as f64 / 4.0;
        // A builder that restates every input in every setter grows quadratically: its
        // per-field cost rises by half from 4→8 to 8→12 fields. Here it stays constant.
        // (Past about 13 required inputs, prettyplease wraps each state tuple onto one line
        // per slot, and the state aliases then cost one line per slot each.)
        assert!(
            per_field_high <= per_field_low * 1.05,
            "lines per required field grew from {per_field_low} to {per_field_high} ({l4}, {l8}, {l12} lines)"
        );
    }
}
