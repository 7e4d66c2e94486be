//! Partial generation: when a spec has problems, leave out what they touch and generate
//! the rest.
//!
//! Every problem is owned by what its JSON pointer lies in: an operation (`#/paths/P/M/…`,
//! or `#/paths/P/parameters/…` for every operation of the path), or a named type (the
//! schema its `source` points at, the innermost one). A type is left out when it has a
//! problem or refers to a type left out; an operation is left out when it has a problem or
//! uses a type left out. A problem nothing owns (the document's syntax, `servers`, `info`,
//! a generator bug) stops generation: nothing sensible can be left out for it.

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Diagnostics, Kind, Pointer};
use crate::model::{Operation, TypeDef, TypeKind, TypeRef};

/// What partial generation left out, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// One warning per left-out operation or type (naming it and the first reason), then
    /// every problem found, each at its pointer.
    pub warnings: Diagnostics,
    pub operations: Vec<String>,
    pub types: Vec<String>,
}

/// Removes from `types` and `ops` whatever `problems` touch. `Err` with the problems no
/// operation or type owns.
pub(super) fn leave_out(
    problems: Diagnostics,
    types: &mut Vec<TypeDef>,
    ops: &mut Vec<Operation>,
    index: &mut Vec<(String, TypeRef)>,
) -> Result<Skipped, Diagnostics> {
    let op_pointers: Vec<(String, String)> = ops
        .iter()
        .map(|o| {
            let path = Pointer::root().key("paths").key(&o.path);
            (
                path.key(&o.method).as_str().to_owned(),
                path.key("parameters").as_str().to_owned(),
            )
        })
        .collect();
    let mut fatal = Diagnostics::default();
    let mut broken_ops: BTreeSet<usize> = BTreeSet::new();
    let mut broken_types: BTreeSet<String> = BTreeSet::new();
    let mut reason: Vec<(String, &Diagnostic)> = Vec::new();
    for d in problems.iter() {
        let mut owned = false;
        for (i, (op, shared)) in op_pointers.iter().enumerate() {
            if within(&d.pointer, op) || within(&d.pointer, shared) {
                broken_ops.insert(i);
                reason.push((format!("op:{i}"), d));
                owned = true;
            }
        }
        // The innermost type whose schema holds the problem.
        let owner = types
            .iter()
            .filter(|t| within(&d.pointer, &t.source))
            .max_by_key(|t| t.source.len());
        if let Some(t) = owner {
            broken_types.insert(t.name.clone());
            reason.push((format!("type:{}", t.name), d));
            owned = true;
        }
        if !owned || d.kind == Kind::Internal || d.kind == Kind::Syntax {
            fatal.push(d.kind, d.pointer.clone(), d.message.clone());
        }
    }
    if !fatal.is_empty() {
        return Err(fatal);
    }

    spread(types, ops, &mut broken_types, &mut broken_ops);

    let mut skipped = Skipped::default();
    let first_reason = |key: &str| {
        reason
            .iter()
            .find(|(k, _)| k == key)
            .map_or("it uses a type that was left out".to_owned(), |(_, d)| {
                d.message.clone()
            })
    };
    for &i in &broken_ops {
        let (pointer, _) = &op_pointers[i];
        let op = &ops[i];
        skipped.warnings.push(
            Kind::Unsupported,
            pointer.clone(),
            format!(
                "operation `{}` left out: {}",
                op.id,
                first_reason(&format!("op:{i}"))
            ),
        );
        skipped.operations.push(op.id.clone());
    }
    for t in types.iter().filter(|t| broken_types.contains(&t.name)) {
        skipped.warnings.push(
            Kind::Unsupported,
            t.source.clone(),
            format!(
                "type `{}` left out: {}",
                t.name,
                first_reason(&format!("type:{}", t.name))
            ),
        );
        skipped.types.push(t.name.clone());
    }
    for d in problems.iter() {
        skipped
            .warnings
            .push(d.kind, d.pointer.clone(), d.message.clone());
    }

    let mut i = 0;
    ops.retain(|_| {
        i += 1;
        !broken_ops.contains(&(i - 1))
    });
    types.retain(|t| !broken_types.contains(&t.name));
    index.retain(|(_, ty)| !mentions(ty, &broken_types));
    Ok(skipped)
}

/// Whether the JSON pointer `p` is `prefix` or lies under it.
fn within(p: &str, prefix: &str) -> bool {
    p == prefix || (p.starts_with(prefix) && p[prefix.len()..].starts_with('/'))
}

/// A type that refers to a left-out type is left out too, and so on; so is an operation
/// that uses one.
fn spread(
    types: &[TypeDef],
    ops: &[Operation],
    broken_types: &mut BTreeSet<String>,
    broken_ops: &mut BTreeSet<usize>,
) {
    loop {
        let before = broken_types.len();
        for t in types {
            if !broken_types.contains(&t.name) && refers_to(&t.kind, broken_types) {
                broken_types.insert(t.name.clone());
            }
        }
        if broken_types.len() == before {
            break;
        }
    }
    for (i, op) in ops.iter().enumerate() {
        if uses(op, broken_types) {
            broken_ops.insert(i);
        }
    }
}

fn mentions(ty: &TypeRef, names: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Named(n) => names.contains(n),
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => mentions(t, names),
        _ => false,
    }
}

fn refers_to(kind: &TypeKind, names: &BTreeSet<String>) -> bool {
    match kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| mentions(&f.ty, names))
                || s.extra.as_ref().is_some_and(|(_, t)| mentions(t, names))
        }
        TypeKind::Union(vs) => vs.iter().any(|v| mentions(&v.ty, names)),
        TypeKind::Alias(t) | TypeKind::Newtype(t) => mentions(t, names),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => false,
    }
}

fn uses(op: &Operation, names: &BTreeSet<String>) -> bool {
    op.inputs.iter().any(|i| mentions(&i.ty, names))
        || op.body.as_ref().is_some_and(|b| mentions(&b.ty, names))
        || mentions(&op.response.ty, names)
        || op
            .response
            .envelope
            .as_ref()
            .is_some_and(|(_, t)| mentions(t, names))
}

#[cfg(test)]
mod tests {
    use crate::load::parse;
    use crate::lower::lower_with;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /ok:\n    get:\n      operationId: fine\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Good'}\n  /upload:\n    post:\n      operationId: upload\n      requestBody:\n        content:\n          multipart/form-data:\n            schema: {type: object}\n      responses:\n        '204': {description: ok}\n  /bad:\n    get:\n      operationId: usesBad\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/HoldsBad'}\ncomponents:\n  schemas:\n    Good: {type: object, properties: {a: {type: string}}}\n    Bad: {type: array}\n    HoldsBad: {type: object, properties: {b: {$ref: '#/components/schemas/Bad'}}}\n";

    #[test]
    fn operations_and_types_with_problems_are_left_out_and_the_rest_kept() {
        let (spec, _) = parse(SPEC).expect("parses");
        assert!(lower_with(&spec, false).is_err(), "strict refuses the spec");
        let (api, skipped) = lower_with(&spec, true).expect("partial generation");
        let ops: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ops, ["fine"]);
        assert_eq!(skipped.operations, ["upload", "usesBad"]);
        // `Bad` has the problem; `HoldsBad` refers to it.
        assert_eq!(skipped.types, ["Bad", "HoldsBad"]);
        assert!(api.get("Good").is_some() && api.get("HoldsBad").is_none());
        let pointers: Vec<&str> = skipped
            .warnings
            .iter()
            .map(|w| w.pointer.as_str())
            .collect();
        assert!(pointers.contains(&"#/paths/~1upload/post"), "{pointers:?}");
        assert!(
            pointers
                .contains(&"#/paths/~1upload/post/requestBody/content/multipart~1form-data/schema"),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&"#/components/schemas/Bad"),
            "{pointers:?}"
        );
        assert!(skipped.warnings.iter().all(|w| w.pointer.starts_with('#')));
    }

    /// An error answer whose type is left out is not named: the operation is kept and its
    /// docs link only types that are generated.
    #[test]
    fn an_error_answer_of_a_left_out_type_is_not_named() {
        let spec = SPEC.replace(
            "              schema: {$ref: '#/components/schemas/Good'}\n",
            "              schema: {$ref: '#/components/schemas/Good'}\n        '404':\n          description: gone\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/HoldsBad'}\n        '500':\n          description: down\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Good'}\n",
        );
        let (spec, _) = parse(&spec).expect("parses");
        let (api, skipped) = lower_with(&spec, true).expect("partial generation");
        assert!(skipped.types.contains(&"HoldsBad".to_owned()));
        let fine = &api.operations[0];
        assert_eq!(fine.id, "fine", "kept");
        let named: Vec<(&str, &[String])> = fine
            .response
            .errors
            .iter()
            .map(|e| (e.type_name.as_str(), e.statuses.as_slice()))
            .collect();
        assert_eq!(named, [("Good", &["500".to_owned()][..])]);
    }

    /// Usage facts are decided on what is generated: a type that only a left-out
    /// operation sent is neither sent nor built by callers.
    #[test]
    fn facts_are_decided_after_leaving_out() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /broken/{id}:\n    post:\n      operationId: broken\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {only: {$ref: '#/components/schemas/Only'}}}\n      responses:\n        '204': {description: ok}\ncomponents:\n  schemas:\n    Only: {type: object, properties: {name: {type: string}}}\n";
        let (spec, _) = parse(spec).expect("parses");
        let (api, skipped) = lower_with(&spec, true).expect("partial generation");
        assert_eq!(skipped.operations, ["broken"]);
        let only = api.get("Only").expect("kept");
        assert!(!only.sent && !only.built_by_callers, "{only:?}");
    }

    #[test]
    fn a_problem_nothing_owns_stops_generation() {
        // A shared response component is neither an operation nor a named type: what to
        // leave out for it is not decided (yet), so generation stops, saying where.
        let shared = SPEC
            .replace(
                "              schema: {$ref: '#/components/schemas/Good'}\n",
                "              schema: {$ref: '#/components/schemas/Good'}\n        default: {$ref: '#/components/responses/Oops'}\n",
            )
            .replace(
                "components:\n",
                "components:\n  responses:\n    Oops:\n      description: x\n      content:\n        application/json:\n          schema: {$ref: '#/components/schemas/Missing'}\n",
            );
        let (spec, _) = parse(&shared).expect("parses");
        match lower_with(&spec, true) {
            Err(d) => assert!(
                d.iter()
                    .all(|d| d.pointer.starts_with("#/components/responses/Oops")),
                "{d}"
            ),
            Ok((api, skipped)) => panic!(
                "generated {} operations, left out {skipped:?}",
                api.operations.len()
            ),
        }
    }
}
