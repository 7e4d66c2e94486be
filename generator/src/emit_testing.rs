//! Test-support emission: `generated/testing.rs`, the catalogue of operations that the
//! client's `testing` feature serves from a loopback mock server.
//!
//! One `Operation` variant per operation, with its method, path template and envelope fields
//! (read from the operation's `SPEC`, the one its requests start from) and the spec's
//! documented success answer (verbatim JSON text), so a consumer can stand in for the API in
//! their own tests without writing fixtures.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{doc_text, ident};
use crate::model::Api;

pub fn testing_file(api: &Api) -> TokenStream {
    let variants: Vec<_> = api.operations.iter().map(|op| ident(&op.builder)).collect();
    let docs = api.operations.iter().map(|op| {
        doc_text(&format!(
            " `{} {}` (operation `{}`): [`{}`](crate::operations::{}).",
            op.method.to_uppercase(),
            op.path,
            op.id,
            op.builder,
            op.builder
        ))
    });
    let specs = api.operations.iter().map(|op| {
        let module = ident(&op.fn_name);
        quote!(&crate::operations::#module::SPEC)
    });
    let spec_arms = quote!(match self { #(Self::#variants => #specs,)* });
    // One arm per operation with a documented answer; the rest share `None`.
    let answers: Vec<_> = api
        .operations
        .iter()
        .filter_map(|op| {
            let text = serde_json::to_string(op.response.example.as_ref()?).ok()?;
            let variant = ident(&op.builder);
            Some(quote!(Self::#variant => Some(#text),))
        })
        .collect();
    let answer_arms = match answers.len() {
        0 => quote!(None),
        n if n == api.operations.len() => quote!(match self { #(#answers)* }),
        _ => quote!(match self { #(#answers)* _ => None, }),
    };
    let template_doc = doc_text(&format!(
        " The path template, e.g. `{}`.",
        api.operations.first().map_or("/", |op| op.path.as_str())
    ));
    quote! {
        //! The operations of the API, for [`crate::testing`]: each one's method, path
        //! template, envelope and the spec's documented success answer.

        /// One operation of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            #(#[doc = #docs] #variants,)*
        }

        impl Operation {
            /// Every operation, in spec order.
            pub const ALL: &'static [Operation] = &[#(Self::#variants),*];

            /// What the client knows of the operation: method, path template, envelope…
            fn spec(self) -> &'static crate::request::OperationSpec {
                #spec_arms
            }

            /// The spec's `operationId`.
            pub fn id(self) -> &'static str {
                self.spec().id
            }

            /// The HTTP method, upper case.
            pub fn method(self) -> &'static str {
                self.spec().method.as_str()
            }

            #[doc = #template_doc]
            pub fn path_template(self) -> &'static str {
                self.spec().path_template
            }

            /// The fields of the response envelope, when the answer has one.
            pub fn envelope(self) -> Option<crate::request::Envelope> {
                self.spec().envelope
            }

            /// The spec's documented success answer, as JSON text, when it documents one.
            pub fn documented_response(self) -> Option<&'static str> {
                #answer_arms
            }
        }
    }
}
