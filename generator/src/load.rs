//! Reading a spec: YAML or JSON text in, a typed `openapiv3::OpenAPI` out.
//!
//! Structural errors (a wrong type, a missing `responses`) are reported at their JSON
//! pointer, found with `serde_path_to_error`, rather than as serde's bare message.

use openapiv3::OpenAPI;

use crate::diagnostics::{Diagnostics, Pointer};

/// Parses `text` (YAML or JSON) as an OpenAPI 3.0.x document.
pub fn parse(text: &str) -> Result<OpenAPI, Diagnostics> {
    let mut diags = Diagnostics::default();
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let place = e.location().map(|l| format!(" (line {}, column {})", l.line(), l.column())).unwrap_or_default();
            diags.push("#", format!("not valid YAML or JSON{place}: {e}"));
            return Err(diags);
        }
    };
    match value.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            diags.push("#/openapi", format!("version {v} is not supported: the generator reads OpenAPI 3.0.x"));
            return Err(diags);
        }
        None if value.get("swagger").is_some() => {
            diags.push("#/swagger", "Swagger 2.0 is not supported: convert the spec to OpenAPI 3.0.x");
            return Err(diags);
        }
        None => {
            diags.push("#/openapi", "missing `openapi: 3.0.x`; is this an OpenAPI document?");
            return Err(diags);
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = e.path().iter().fold(Pointer::root(), |p, segment| {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => p.key(index),
                Segment::Map { key } => p.key(key),
                Segment::Enum { variant } => p.key(variant),
                Segment::Unknown => p,
            }
        });
        diags.push(pointer.as_str(), format!("does not match OpenAPI 3.0: {}", e.inner()));
        diags
    })
}
