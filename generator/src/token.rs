//! The token endpoint (`x-token-endpoint` on one operation): the call a client configured
//! with credentials makes by itself, described by the spec rather than hard-coded in the
//! runtime. Lowering reads the extension here and checks it against the operation's form
//! body and answer; emission writes the result as the runtime's `TokenEndpoint`.

use serde_json::Value;

use crate::diagnostics::{Diagnostics, Kind, Pointer};
use crate::model::{
    BodyEncoding, CredentialPart, FormValue, Operation, TokenEndpoint, TokenField, TypeDef,
    TypeKind, TypeRef,
};

/// Builds the token endpoint of `op` from its `x-token-endpoint` value, reporting every
/// mismatch at `at` (the extension's pointer).
pub fn token_endpoint(
    op: &Operation,
    extension: &Value,
    types: &[TypeDef],
    at: &Pointer,
    diags: &mut Diagnostics,
) -> Option<TokenEndpoint> {
    let before = diags.len();
    let Some(map) = extension.as_object() else {
        diags.push(
            Kind::Extension,
            at.as_str(),
            "`x-token-endpoint` must be an object with `form`, `token` and optional `expires-in`",
        );
        return None;
    };
    // The form: every body field is a credential, or a constant (a one-value enum).
    let body = op
        .body
        .as_ref()
        .filter(|b| b.encoding == BodyEncoding::Form)
        .and_then(|b| b.spread(types));
    let Some(body) = body else {
        diags.push(
            Kind::Extension,
            at.as_str(),
            "the token operation must have a form body of named fields",
        );
        return None;
    };
    let form = form(
        &body.fields,
        map.get("form").and_then(Value::as_object),
        types,
        at,
        diags,
    );
    // The answer: the members holding the token and its lifetime, with their aliases.
    let answer = match op.response.payload() {
        TypeRef::Named(n) => types.iter().find(|t| &t.name == n),
        _ => None,
    };
    let member = |key: &str, diags: &mut Diagnostics| -> Option<TokenField> {
        let wire = map.get(key)?.as_str();
        let found = match (answer.map(|t| &t.kind), wire) {
            (Some(TypeKind::Struct(s)), Some(wire)) => s.fields.iter().find(|f| f.wire == wire),
            _ => None,
        };
        match found {
            Some(f) => Some(TokenField {
                wire: f.wire.clone(),
                aliases: f.aliases.clone(),
            }),
            None => {
                diags.push(
                    Kind::Extension,
                    at.key(key).as_str(),
                    format!("`{key}` must name a member of the token operation's answer"),
                );
                None
            }
        }
    };
    let token = if map.contains_key("token") {
        member("token", diags)
    } else {
        diags.push(
            Kind::Extension,
            at.as_str(),
            "`x-token-endpoint` needs `token`: the answer's token member",
        );
        None
    };
    let expires_in = map
        .contains_key("expires-in")
        .then(|| member("expires-in", diags))
        .flatten();
    if diags.len() > before {
        return None;
    }
    Some(TokenEndpoint {
        operation_id: op.id.clone(),
        path: op.path.clone(),
        form,
        token: token?,
        expires_in,
    })
}

/// What fills each form field: a mapped credential, or the one value of a one-value enum.
/// Every mapped name must be a field, and every required field must be filled.
fn form(
    fields: &[crate::model::Field],
    mapping: Option<&serde_json::Map<String, Value>>,
    types: &[TypeDef],
    at: &Pointer,
    diags: &mut Diagnostics,
) -> Vec<(String, FormValue)> {
    let mut form = Vec::new();
    for field in fields {
        let declared = mapping
            .and_then(|m| m.get(&field.wire))
            .and_then(Value::as_str);
        let value = match declared {
            Some(part) => match credential(part) {
                Some(part) => FormValue::Credential(part),
                None => {
                    diags.push(Kind::Extension,
                        at.key("form").key(&field.wire).as_str(),
                        format!("`{part}` is not a credential: use username, password, client-id or client-secret"),
                    );
                    continue;
                }
            },
            None => match single_value(&field.ty, types) {
                Some(constant) => FormValue::Constant(constant),
                None if !field.required => continue,
                None => {
                    diags.push(Kind::Extension,
                        at.key("form").as_str(),
                        format!("the required form field `{}` is neither mapped to a credential nor a one-value enum", field.wire),
                    );
                    continue;
                }
            },
        };
        form.push((field.wire.clone(), value));
    }
    if let Some(mapping) = mapping {
        for wire in mapping.keys() {
            if !fields.iter().any(|f| &f.wire == wire) {
                diags.push(
                    Kind::Extension,
                    at.key("form").key(wire).as_str(),
                    format!("`{wire}` is not a field of the token operation's form body"),
                );
            }
        }
    }
    form
}

fn credential(part: &str) -> Option<CredentialPart> {
    Some(match part {
        "username" => CredentialPart::Username,
        "password" => CredentialPart::Password,
        "client-id" => CredentialPart::ClientId,
        "client-secret" => CredentialPart::ClientSecret,
        _ => return None,
    })
}

/// The one value of a one-value string enum (`grant_type: [password]`).
fn single_value(ty: &TypeRef, types: &[TypeDef]) -> Option<String> {
    let TypeRef::Named(n) = ty else { return None };
    match &types.iter().find(|t| &t.name == n)?.kind {
        TypeKind::StringEnum(variants) if variants.len() == 1 => Some(variants[0].wire.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostics;

    fn spec(extension: &str) -> String {
        format!(
            r#"
openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /token:
    post:
      operationId: getToken
      x-idempotent: true
      x-token-endpoint: {extension}
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [user, pass, grant]
              properties:
                user: {{type: string}}
                pass: {{type: string, format: password}}
                grant: {{type: string, enum: [password]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [tok]
                properties:
                  tok: {{type: string, x-aliases: [token]}}
                  ttl: {{type: integer}}
"#
        )
    }

    fn lower(extension: &str) -> Result<crate::model::Api, Diagnostics> {
        crate::model(&spec(extension))
    }

    #[test]
    fn the_extension_maps_credentials_constants_and_answer_members() {
        let api = lower("{form: {user: username, pass: password}, token: tok, expires-in: ttl}")
            .expect("valid");
        let endpoint = api.token_endpoint.expect("a token endpoint");
        assert_eq!(endpoint.path, "/token");
        assert_eq!(endpoint.form.len(), 3);
        assert_eq!(endpoint.token.aliases, vec!["token".to_owned()]);
        assert_eq!(endpoint.expires_in.expect("ttl").wire, "ttl");
    }

    #[test]
    fn every_mismatch_is_reported_at_its_pointer() {
        let errors = lower("{form: {user: usernme, nope: password}, token: missing}")
            .expect_err("invalid")
            .to_string();
        for expected in [
            "x-token-endpoint/form/user: `usernme` is not a credential",
            "x-token-endpoint/form/nope: `nope` is not a field",
            "x-token-endpoint/token: `token` must name a member",
            "the required form field `pass` is neither mapped",
        ] {
            assert!(
                errors.contains(expected),
                "missing {expected:?} in {errors}"
            );
        }
    }
}
