//! Analysis passes over the lowered types, run once all types exist: which types no
//! request reaches (decode-only), which fields must be boxed (recursion), and alias cycles.

use super::*;

impl<'a> Lowerer<'a> {
    /// Decides every field's `Option` layers (see [`Optionality`]). Runs after
    /// [`Self::decide_type_facts`]: a free-form value (also through an alias) holds `null`
    /// itself, so `nullable` adds no layer to it.
    pub(super) fn decide_optionality(&mut self) {
        let free_form_aliases: BTreeSet<String> = self
            .types
            .iter()
            .filter(|t| t.facts.alias_of == Some(TypeRef::Any))
            .map(|t| t.name.clone())
            .collect();
        let decide = |f: &mut Field| {
            let free_form = match &f.ty {
                TypeRef::Any => true,
                TypeRef::Named(n) => free_form_aliases.contains(n),
                _ => false,
            };
            f.optionality = Optionality::of(f.required, f.nullable && !free_form);
        };
        for t in &mut self.types {
            if let TypeKind::Struct(s) = &mut t.kind {
                s.fields.iter_mut().for_each(decide);
            }
        }
    }

    /// Decides the facts emission reads about each type (see [`TypeFacts`]): whether it can
    /// be `Eq` (a fixpoint from "all are" down, so recursive types are handled), what an
    /// alias finally stands for, and whether it has a text form.
    pub(super) fn decide_type_facts(&mut self) {
        let index = type_index(&self.types);
        let mut eq = vec![true; self.types.len()];
        loop {
            let mut changed = false;
            for (i, t) in self.types.iter().enumerate() {
                if eq[i] && !type_refs(&t.kind).iter().all(|p| ref_is_eq(p, &index, &eq)) {
                    eq[i] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let facts: Vec<TypeFacts> = (0..self.types.len())
            .map(|i| TypeFacts {
                eq: eq[i],
                alias_of: match &self.types[i].kind {
                    TypeKind::Alias(target) => Some(alias_target(&self.types, &index, target)),
                    _ => None,
                },
                displayable: displayable(&self.types, &TypeRef::Named(self.types[i].name.clone())),
                unwrapped_to: None,
            })
            .collect();
        for (t, f) in self.types.iter_mut().zip(facts) {
            t.facts = f;
        }
        // A union holds its struct members boxed.
        let structs: Vec<bool> = self
            .types
            .iter()
            .map(|t| matches!(t.kind, TypeKind::Struct(_)))
            .collect();
        for t in &mut self.types {
            if let TypeKind::Union(variants) = &mut t.kind {
                for v in variants {
                    v.boxed = matches!(&v.ty, TypeRef::Named(n) if index.get(n.as_str()).is_some_and(|&i| structs[i]));
                }
            }
        }
    }

    /// Boxes fields through which a type contains itself, so it has a finite size.
    /// Marks the types requests reach ([`TypeDef::sent`]) and the ones callers build
    /// ([`TypeDef::built_by_callers`]): the same, but for a body the builder spreads into
    /// setters, which callers never build (its members' types they do).
    pub(super) fn mark_usage(&mut self, operations: &[Operation]) {
        let reach = |roots: Vec<&TypeRef>| reached(&self.types, roots);
        let sent = reach(
            operations
                .iter()
                .flat_map(|op| parameters(op).chain(op.body.iter().map(|b| &b.ty)))
                .collect(),
        );
        let built = reach(
            operations
                .iter()
                .flat_map(|op| {
                    let body: Vec<&TypeRef> = match &op.body {
                        Some(b) => match b.spread(&self.types) {
                            Some(s) => s.fields.iter().map(|f| &f.ty).collect(),
                            None => vec![&b.ty],
                        },
                        None => Vec::new(),
                    };
                    parameters(op).chain(body)
                })
                .collect(),
        );
        for (i, t) in self.types.iter_mut().enumerate() {
            t.sent = sent.contains(&i);
            t.built_by_callers = built.contains(&i);
        }
    }

    /// An answer's envelope type that nothing else uses (no other type, no input, body or
    /// un-enveloped answer) is unwrapped: callers only ever get its payload, so it is not
    /// emitted (see [`TypeFacts::unwrapped_to`]). Runs after partial generation has left
    /// things out, on what is emitted.
    pub(super) fn mark_unwrapped_envelopes(&mut self, operations: &[Operation]) {
        let index = type_index(&self.types);
        let mut wrapping: BTreeMap<usize, TypeRef> = BTreeMap::new();
        let mut roots: Vec<&TypeRef> = Vec::new();
        for op in operations {
            roots.extend(op.inputs.iter().map(|i| &i.ty));
            // A spread body's fields are reached through its struct.
            if let Some(body) = &op.body {
                roots.push(&body.ty);
            }
            roots.push(op.response.payload());
            match (&op.response.envelope, &op.response.ty) {
                (Some((_, payload)), TypeRef::Named(n)) => {
                    if let Some(&i) = index.get(n.as_str()) {
                        wrapping.insert(i, payload.clone());
                    }
                }
                (_, ty) => roots.push(ty),
            }
        }
        roots.extend(
            self.types
                .iter()
                .enumerate()
                .filter(|(i, _)| !wrapping.contains_key(i))
                .flat_map(|(_, t)| type_refs(&t.kind)),
        );
        let used = reached(&self.types, roots);
        for (i, payload) in wrapping {
            if !used.contains(&i) {
                self.types[i].facts.unwrapped_to = Some(payload);
            }
        }
    }

    /// Keeps of each operation's described error answers those an `Error::Http` carries
    /// (the answer has no envelope: an enveloped failure is an `Error::Api`) and whose
    /// type is emitted. Runs after partial generation has left things out and envelopes
    /// are unwrapped, on what is emitted.
    pub(super) fn settle_error_answers(&self, operations: &mut [Operation]) {
        let emitted: BTreeSet<&str> = self
            .types
            .iter()
            .filter(|t| t.facts.unwrapped_to.is_none())
            .map(|t| t.name.as_str())
            .collect();
        for op in operations {
            let enveloped = op.response.envelope.is_some();
            op.response
                .errors
                .retain(|e| !enveloped && emitted.contains(e.type_name.as_str()));
        }
    }

    /// Binary data (`format: binary`) is a file part of a multipart body; inside a type
    /// that JSON or a form carries (any type not reached only from multipart bodies), it
    /// is reported at its place.
    pub(super) fn check_binary_fields(&mut self, operations: &[Operation]) {
        let reach = |roots: Vec<&TypeRef>| reached(&self.types, roots);
        let multipart = |op: &&Operation| {
            op.body
                .as_ref()
                .is_some_and(|b| b.encoding == BodyEncoding::Multipart)
        };
        let in_multipart = reach(
            operations
                .iter()
                .filter(multipart)
                .flat_map(|op| op.body.iter().map(|b| &b.ty))
                .collect(),
        );
        let elsewhere = reach(
            operations
                .iter()
                .flat_map(|op| {
                    let sent_as_parts = multipart(&op);
                    let body = op
                        .body
                        .iter()
                        .filter(move |_| !sent_as_parts)
                        .map(|b| &b.ty);
                    let params = parameters(op);
                    let payload = op.response.envelope.iter().map(|(_, ty)| ty);
                    params.chain(body).chain(payload).chain([&op.response.ty])
                })
                .collect(),
        );
        let mut found = Vec::new();
        for (i, t) in self.types.iter().enumerate() {
            if in_multipart.contains(&i) && !elsewhere.contains(&i) {
                continue;
            }
            let at = Pointer::from_ref(&t.source).unwrap_or_else(Pointer::root);
            let places: Vec<Pointer> = match &t.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter(|f| holds_bytes(&f.ty))
                    .map(|f| at.key("properties").key(&f.wire))
                    .collect(),
                kind if type_refs(kind).into_iter().any(holds_bytes) => vec![at.clone()],
                _ => Vec::new(),
            };
            found.extend(places);
        }
        for at in found {
            self.diags.push(
                Kind::Unsupported,
                at.as_str(),
                "`format: binary` data is supported as a file in a multipart/form-data body (or as a whole body or answer), not inside JSON or form data",
            );
        }
    }

    pub(super) fn mark_recursive_fields(&mut self) {
        let index = type_index(&self.types);
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|t| {
                direct_refs(&t.kind)
                    .iter()
                    .filter_map(|n| index.get(*n).copied())
                    .collect()
            })
            .collect();
        let component = strongly_connected(&edges);
        for (i, t) in self.types.iter_mut().enumerate() {
            if let TypeKind::Struct(s) = &mut t.kind {
                for f in &mut s.fields {
                    if let TypeRef::Named(n) = &f.ty
                        && let Some(&j) = index.get(n)
                    {
                        f.boxed = component[i] == component[j];
                    }
                }
            }
        }
    }

    /// A type alias that contains itself (through arrays or maps) is illegal Rust; such
    /// aliases become transparent newtypes. One that *is* itself, with no container in
    /// between (`A: {$ref: A}`), has no meaning and is reported.
    pub(super) fn break_alias_cycles(&mut self) {
        fn named_in<'t>(ty: &'t TypeRef, out: &mut Vec<(&'t str, bool)>, contained: bool) {
            match ty {
                TypeRef::Named(n) => out.push((n, contained)),
                TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => {
                    named_in(t, out, true)
                }
                _ => {}
            }
        }
        // What each alias or union holds by value: its target, or its variants.
        let by_value: HashMap<&str, Vec<&TypeRef>> = self
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Alias(target) => Some((t.name.as_str(), vec![target])),
                TypeKind::Union(variants) => {
                    Some((t.name.as_str(), variants.iter().map(|v| &v.ty).collect()))
                }
                _ => None,
            })
            .collect();
        let mut cycles = Vec::new();
        for (&name, targets) in &by_value {
            // Depth-first through aliases and unions only: does `name` reach itself, and
            // through a container?
            let mut stack = Vec::new();
            for target in targets {
                named_in(target, &mut stack, false);
            }
            let mut seen = BTreeSet::new();
            while let Some((n, contained)) = stack.pop() {
                if n == name {
                    cycles.push((name.to_owned(), contained));
                    break;
                }
                if seen.insert((n, contained))
                    && let Some(next) = by_value.get(n)
                {
                    let mut more = Vec::new();
                    for target in next {
                        named_in(target, &mut more, contained);
                    }
                    stack.extend(more);
                }
            }
        }
        cycles.sort();
        for (name, contained) in cycles {
            let Some(t) = self.types.iter_mut().find(|t| t.name == name) else {
                continue;
            };
            match (&t.kind, contained) {
                // A container makes it finite: an alias becomes a newtype, a union is fine.
                (TypeKind::Alias(target), true) => t.kind = TypeKind::Newtype(target.clone()),
                (TypeKind::Union(_), true) => {}
                (TypeKind::Union(_), false) => {
                    let source = t.source.clone();
                    self.diags.push(
                        Kind::Invalid,
                        source,
                        "this `oneOf`/`anyOf` has itself as a member, with no object, array or map in between: it could never be decoded; remove that member",
                    );
                }
                _ => {
                    let source = t.source.clone();
                    self.diags.push(Kind::Reference, source, "this schema is only a reference to itself (a `$ref`/`allOf` cycle with no object, array or map in it)");
                }
            }
        }
    }
}

/// The types of an operation's parameters (path, query, header).
fn parameters(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    op.inputs
        .iter()
        .filter(|i| {
            matches!(
                i.kind,
                InputKind::Path | InputKind::Query | InputKind::Header
            )
        })
        .map(|i| &i.ty)
}

/// The indexes of the types `roots` reach, at any depth.
fn reached(types: &[TypeDef], roots: Vec<&TypeRef>) -> BTreeSet<usize> {
    let index = type_index(types);
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = Vec::new();
    for root in roots {
        named_in(root, &mut todo);
    }
    while let Some(name) = todo.pop() {
        if let Some(&i) = index.get(name)
            && seen.insert(i)
        {
            for ty in type_refs(&types[i].kind) {
                named_in(ty, &mut todo);
            }
        }
    }
    seen
}

/// Whether `ty` is or holds binary data (in a list, map or nullable).
fn holds_bytes(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Bytes => true,
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => holds_bytes(t),
        _ => false,
    }
}

/// Every type reference a type's definition holds (fields, catch-all, variants, target).
pub(super) fn type_refs(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.extra.iter().map(|(_, t)| t))
            .collect(),
        TypeKind::Union(vs) => vs.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) | TypeKind::Newtype(t) => vec![t],
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
    }
}

/// The names of the named types in `ty`, at any depth of arrays, maps and nullables.
pub(super) fn named_in<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => named_in(t, out),
        _ => {}
    }
}

pub(super) fn direct_refs(kind: &TypeKind) -> Vec<&str> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| {
                if let TypeRef::Named(n) = &f.ty {
                    Some(n.as_str())
                } else {
                    None
                }
            })
            .collect(),
        TypeKind::Union(vs) => vs
            .iter()
            .filter_map(|v| {
                if let TypeRef::Named(n) = &v.ty {
                    Some(n.as_str())
                } else {
                    None
                }
            })
            .collect(),
        TypeKind::Alias(TypeRef::Named(n)) => vec![n.as_str()],
        _ => Vec::new(),
    }
}

/// Tarjan's algorithm: the strongly connected component of every node. Two types in one
/// component contain each other, so a field between them needs a `Box`.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        component: Vec<usize>,
        components: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.component[w] = s.components;
                if w == v {
                    break;
                }
            }
            s.components += 1;
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        component: vec![0; n],
        components: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.component
}

/// Type name → position in `types`, for the passes that follow references by name.
fn type_index(types: &[TypeDef]) -> HashMap<String, usize> {
    types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect()
}

/// Whether a value of `ty` can derive `Eq`, given what is known of each named type.
fn ref_is_eq(ty: &TypeRef, index: &HashMap<String, usize>, eq: &[bool]) -> bool {
    match ty {
        TypeRef::F32 | TypeRef::F64 => false,
        TypeRef::Named(n) => index.get(n).is_none_or(|&i| eq[i]),
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => ref_is_eq(t, index, eq),
        _ => true,
    }
}

/// What an alias finally stands for: aliases of aliases followed (cycles were broken
/// before this pass, and the walk is bounded anyway).
fn alias_target(types: &[TypeDef], index: &HashMap<String, usize>, target: &TypeRef) -> TypeRef {
    let mut ty = target;
    for _ in 0..=types.len() {
        match ty {
            TypeRef::Named(n) => match index.get(n).map(|&i| &types[i].kind) {
                Some(TypeKind::Alias(next)) => ty = next,
                _ => break,
            },
            _ => break,
        }
    }
    ty.clone()
}

/// Whether a value of `ty` has a text form (`Display`), as a path, query or header
/// parameter needs: scalars, enums, aliases of those, and `oneOf`/`anyOf` unions whose every
/// member has one (the generator gives such unions a `Display` impl).
pub(super) fn displayable(types: &[TypeDef], ty: &TypeRef) -> bool {
    fn go(types: &[TypeDef], ty: &TypeRef, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match ty {
            TypeRef::Named(n) => match types.iter().find(|t| &t.name == n).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_)) => true,
                Some(TypeKind::Alias(target)) => go(types, target, depth + 1),
                Some(TypeKind::Union(variants)) => {
                    variants.iter().all(|v| go(types, &v.ty, depth + 1))
                }
                _ => false,
            },
            other => is_displayable_scalar(other),
        }
    }
    go(types, ty, 0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::lower_yaml;
    use crate::model::*;

    #[test]
    fn recursion_is_boxed_and_what_callers_build_is_marked() {
        let api = lower_yaml(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /n:\n    post:\n      operationId: post\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/In'}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Node'}\ncomponents:\n  schemas:\n    In:\n      type: object\n      properties:\n        name: {type: string}\n        tag: {$ref: '#/components/schemas/Tag'}\n    Tag:\n      type: object\n      properties:\n        label: {type: string}\n    Node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n",
        )
        .expect("valid");
        let ty = |name: &str| api.types.iter().find(|t| t.name == name).expect(name);
        let TypeKind::Struct(node) = &ty("Node").kind else {
            panic!("a struct")
        };
        assert!(node.fields[0].boxed, "Node contains itself");
        assert!(
            !ty("Node").sent && !ty("Node").built_by_callers,
            "only decoded"
        );
        // The body is spread into setters: the client builds it, callers build its members.
        assert!(ty("In").sent && !ty("In").built_by_callers);
        assert!(ty("Tag").sent && ty("Tag").built_by_callers);
    }

    /// An envelope only answers use is unwrapped (callers get its payload); one that
    /// another type holds, or that an answer returns whole, stays a type of the crate.
    #[test]
    fn an_envelope_nothing_else_uses_is_unwrapped_to_its_payload() {
        let envelope = |name: &str| {
            format!(
                "    {name}:\n      type: object\n      x-envelope: {{code: code, message: message, payload: payload}}\n      required: [code, payload]\n      properties:\n        code: {{type: integer}}\n        message: {{type: string}}\n        payload: {{type: string}}\n"
            )
        };
        let answer = |path: &str, schema: &str| {
            format!(
                "  /{path}:\n    get:\n      operationId: {path}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n"
            )
        };
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{}{}{}components:\n  schemas:\n{}{}{}    Holder:\n      type: object\n      properties:\n        kept: {{$ref: '#/components/schemas/Held'}}\n",
            answer("a", "Alone"),
            answer("b", "Held"),
            answer("c", "Holder"),
            envelope("Alone"),
            envelope("Held"),
            envelope("Unused"),
        );
        let api = lower_yaml(&spec).expect("valid");
        let unwrapped = |name: &str| {
            let t = api.types.iter().find(|t| t.name == name).expect(name);
            t.facts.unwrapped_to.clone()
        };
        assert_eq!(unwrapped("Alone"), Some(TypeRef::String));
        assert_eq!(unwrapped("Held"), None, "Holder holds it");
        assert_eq!(unwrapped("Unused"), None, "no answer unwraps it");
        assert_eq!(unwrapped("Holder"), None, "not an envelope");
        let envelope = &api.envelopes[0];
        assert_eq!(
            envelope.const_name, "ALONE_ENVELOPE",
            "named after the first declaring type"
        );
        assert_eq!(
            envelope.type_name.as_deref(),
            Some("Held"),
            "linking an emitted one"
        );
    }
}
