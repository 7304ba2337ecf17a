//! React Email components (`.tsx`, `.jsx` files that import from
//! `@react-email/*` or `react-email`), read with a real JavaScript and
//! TypeScript parser (`oxc_parser`).
//!
//! What a reader of the email sees is kept, in document order: JSX text,
//! string literals and template literals inside `{…}`, and the `alt` and
//! `title` of elements; the text inside `<Preview>` is the preheader.
//! Expressions that print a value (`{firstName}`, `{props.user.name}`,
//! `${companyName}` in a template literal) are merge tokens; a default in
//! the component's signature (`{ firstName = 'there' }`) or `firstName ||
//! 'there'` gives a token its fallback. Values printed inside a `.map()`
//! callback are the items of a list the sender fills, not the reader's
//! data. A link whose `href` names an unsubscribe URL counts as the
//! unsubscribe link.

use std::collections::HashMap;
use std::ops::Range;

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_ast_visit::Visit;
use oxc_span::{GetSpan, SourceType};

/// One piece of what the email shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Copy: these bytes of the file, as written.
    Copy(Range<usize>),
    /// A value printed from the reader's data: the bytes of the expression.
    Token {
        range: Range<usize>,
        name: String,
        fallback: Option<String>,
    },
    /// An unsubscribe link (its `href` attribute's bytes).
    Unsubscribe(Range<usize>),
    /// A block boundary (between elements), at these bytes.
    Break(usize),
}

/// What a React Email file holds.
#[derive(Debug, Default)]
pub struct Reading {
    pub body: Vec<Part>,
    /// Inside `<Preview>`.
    pub preview: Vec<Part>,
    /// The parser could not read the file: where, and why.
    pub error: Option<(Range<usize>, String)>,
}

/// Whether a JavaScript or TypeScript text imports React Email (a quick
/// look before parsing).
pub fn mentions_react_email(text: &str) -> bool {
    text.contains("@react-email/")
        || text.contains("'react-email'")
        || text.contains("\"react-email\"")
}

/// Reads a React Email component. `None` when the file does not import
/// React Email.
pub fn read(text: &str, tsx: bool) -> Option<Reading> {
    if !mentions_react_email(text) {
        return None;
    }
    let allocator = Allocator::default();
    let source_type = if tsx {
        SourceType::tsx()
    } else {
        SourceType::jsx()
    };
    let parsed = oxc_parser::Parser::new(&allocator, text, source_type).parse();
    let mut c = Collector {
        text,
        imports_react_email: false,
        defaults: HashMap::new(),
        reading: Reading::default(),
        depth: 0,
    };
    // Defaults and imports first: a component's signature comes before
    // the JSX that uses it, but a helper may be declared after.
    c.visit_program(&parsed.program);
    if !c.imports_react_email {
        return None;
    }
    let mut reading = std::mem::take(&mut c.reading);
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        if let Some(d) = parsed.diagnostics.first() {
            let at = d
                .labels
                .first()
                .map(|l| l.offset() as usize..(l.offset() + l.len()) as usize)
                .unwrap_or(0..0);
            reading.error = Some((at, d.message.to_string()));
        }
    }
    Some(reading)
}

struct Collector<'t> {
    text: &'t str,
    imports_react_email: bool,
    /// Destructured props with a string default: name → default.
    defaults: HashMap<String, String>,
    reading: Reading,
    /// How deep inside a JSX tree the visitor is (only the outermost
    /// element is read; it reads its children itself).
    depth: usize,
}

fn range(span: oxc_span::Span) -> Range<usize> {
    span.start as usize..span.end as usize
}

impl<'a> Visit<'a> for Collector<'_> {
    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        let from = it.source.value.as_str();
        if from == "react-email" || from.starts_with("@react-email/") {
            self.imports_react_email = true;
        }
    }

    fn visit_assignment_pattern(&mut self, it: &AssignmentPattern<'a>) {
        if let (BindingPattern::BindingIdentifier(id), Some(value)) =
            (&it.left, string_value(&it.right))
        {
            self.defaults.insert(id.name.to_string(), value);
        }
        oxc_ast_visit::walk::walk_assignment_pattern(self, it);
    }

    fn visit_jsx_element(&mut self, it: &JSXElement<'a>) {
        if self.depth > 0 {
            return;
        }
        self.depth += 1;
        let mut out = Vec::new();
        let mut preview = Vec::new();
        let scope = Scope::default();
        self.element(it, &scope, false, &mut out, &mut preview);
        self.reading.body.append(&mut out);
        self.reading.preview.append(&mut preview);
        self.depth -= 1;
    }

    fn visit_jsx_fragment(&mut self, it: &JSXFragment<'a>) {
        if self.depth > 0 {
            return;
        }
        self.depth += 1;
        let mut out = Vec::new();
        let mut preview = Vec::new();
        let scope = Scope::default();
        for child in &it.children {
            self.child(child, &scope, false, &mut out, &mut preview);
        }
        self.reading.body.append(&mut out);
        self.reading.preview.append(&mut preview);
        self.depth -= 1;
    }
}

/// Names bound by `.map()` callbacks around the current place.
#[derive(Debug, Default, Clone)]
struct Scope {
    loop_vars: Vec<String>,
}

/// The text of a string literal or a template literal with no expressions.
fn string_value(e: &Expression) -> Option<String> {
    match e {
        Expression::StringLiteral(s) => Some(s.value.to_string()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => t
            .quasis
            .first()
            .and_then(|q| q.value.cooked.as_ref())
            .map(|c| c.to_string()),
        _ => None,
    }
}

/// The name a value expression prints: `firstName`, `props.firstName`,
/// `user.first_name` (the last property), with the root identifier.
fn value_name<'e>(e: &'e Expression) -> Option<(&'e str, &'e str)> {
    match e {
        Expression::Identifier(id) => Some((id.name.as_str(), id.name.as_str())),
        Expression::StaticMemberExpression(m) => {
            let mut root = &m.object;
            while let Expression::StaticMemberExpression(inner) = root {
                root = &inner.object;
            }
            let root = match root {
                Expression::Identifier(id) => id.name.as_str(),
                Expression::ThisExpression(_) => "this",
                _ => return None,
            };
            Some((root, m.property.name.as_str()))
        }
        Expression::ChainExpression(_) => None,
        _ => None,
    }
}

fn element_name(it: &JSXElement) -> String {
    match &it.opening_element.name {
        JSXElementName::Identifier(id) => id.name.to_string(),
        JSXElementName::IdentifierReference(id) => id.name.to_string(),
        JSXElementName::MemberExpression(m) => m.property.name.to_string(),
        JSXElementName::NamespacedName(n) => n.name.name.to_string(),
        JSXElementName::ThisExpression(_) => "this".into(),
    }
}

impl Collector<'_> {
    fn element(
        &self,
        it: &JSXElement,
        scope: &Scope,
        in_preview: bool,
        out: &mut Vec<Part>,
        preview: &mut Vec<Part>,
    ) {
        let name = element_name(it);
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "head" | "style" | "script" | "font" | "tailwind-config"
        ) || lower == "tailwindconfig"
        {
            return;
        }
        let is_preview = in_preview || name == "Preview";
        let target = |is_preview: bool, out: &mut Vec<Part>, preview: &mut Vec<Part>, p: Part| {
            if is_preview {
                preview.push(p)
            } else {
                out.push(p)
            }
        };
        target(
            is_preview,
            out,
            preview,
            Part::Break(it.span.start as usize),
        );
        for attr in &it.opening_element.attributes {
            let JSXAttributeItem::Attribute(a) = attr else {
                continue;
            };
            let JSXAttributeName::Identifier(an) = &a.name else {
                continue;
            };
            let attr_name = an.name.as_str();
            match (attr_name, &a.value) {
                ("alt" | "title", Some(JSXAttributeValue::StringLiteral(s))) => {
                    let r = range(s.span);
                    if r.len() >= 2 {
                        target(is_preview, out, preview, Part::Copy(r.start + 1..r.end - 1));
                        target(is_preview, out, preview, Part::Break(r.end));
                    }
                }
                ("href", Some(v)) => {
                    let r = range(v.span());
                    if self.text[r.clone()]
                        .to_ascii_lowercase()
                        .contains("unsubscribe")
                    {
                        target(is_preview, out, preview, Part::Unsubscribe(r));
                    }
                }
                _ => {}
            }
        }
        for child in &it.children {
            self.child(child, scope, is_preview, out, preview);
        }
        target(is_preview, out, preview, Part::Break(it.span.end as usize));
    }

    fn child(
        &self,
        child: &JSXChild,
        scope: &Scope,
        in_preview: bool,
        out: &mut Vec<Part>,
        preview: &mut Vec<Part>,
    ) {
        let push = |out: &mut Vec<Part>, preview: &mut Vec<Part>, p: Part| {
            if in_preview {
                preview.push(p)
            } else {
                out.push(p)
            }
        };
        match child {
            JSXChild::Text(t) => {
                let r = range(t.span);
                if !self.text[r.clone()].trim().is_empty() {
                    push(out, preview, Part::Copy(r));
                }
            }
            JSXChild::Element(e) => self.element(e, scope, in_preview, out, preview),
            JSXChild::Fragment(f) => {
                for c in &f.children {
                    self.child(c, scope, in_preview, out, preview);
                }
            }
            JSXChild::ExpressionContainer(c) => {
                if let Some(e) = c.expression.as_expression() {
                    let mut parts = Vec::new();
                    self.expression(
                        e,
                        range(c.span),
                        scope,
                        None,
                        &mut parts,
                        out,
                        preview,
                        in_preview,
                    );
                    for p in parts {
                        push(out, preview, p);
                    }
                }
            }
            JSXChild::Spread(_) => {}
        }
    }

    /// The parts an expression prints. `whole` is the bytes that stand for
    /// it (the `{…}` container, or the `${…}` of a template literal).
    #[allow(clippy::too_many_arguments)]
    fn expression(
        &self,
        e: &Expression,
        whole: Range<usize>,
        scope: &Scope,
        fallback: Option<String>,
        parts: &mut Vec<Part>,
        out: &mut Vec<Part>,
        preview: &mut Vec<Part>,
        in_preview: bool,
    ) {
        match e {
            Expression::StringLiteral(s) => {
                let r = range(s.span);
                if r.len() >= 2 {
                    parts.push(Part::Copy(r.start + 1..r.end - 1));
                }
            }
            Expression::TemplateLiteral(t) => {
                for (i, q) in t.quasis.iter().enumerate() {
                    let r = range(q.span);
                    if !r.is_empty() {
                        parts.push(Part::Copy(r.clone()));
                    }
                    if let Some(x) = t.expressions.get(i) {
                        // `${` before the expression, `}` after it.
                        let xs = range(x.span());
                        let start = xs.start.saturating_sub(2).max(r.end);
                        let end = (xs.end + 1).min(self.text.len());
                        self.expression(
                            x,
                            start..end,
                            scope,
                            None,
                            parts,
                            out,
                            preview,
                            in_preview,
                        );
                    }
                }
            }
            Expression::ParenthesizedExpression(p) => self.expression(
                &p.expression,
                whole,
                scope,
                fallback,
                parts,
                out,
                preview,
                in_preview,
            ),
            Expression::LogicalExpression(l)
                if matches!(l.operator, LogicalOperator::Or | LogicalOperator::Coalesce) =>
            {
                let fb = string_value(&l.right).or(fallback);
                self.expression(
                    &l.left,
                    whole,
                    scope,
                    fb.or(Some(String::new())),
                    parts,
                    out,
                    preview,
                    in_preview,
                )
            }
            Expression::LogicalExpression(l) => {
                // `cond && <p>…</p>`: what shows is the right side.
                self.expression(
                    &l.right, whole, scope, fallback, parts, out, preview, in_preview,
                )
            }
            Expression::ConditionalExpression(c) => {
                // `firstName ? … : …`: a token tested here has its fallback
                // in the other branch.
                let tested = value_name(&c.test).map(|(_, n)| n.to_string());
                let mut inner = Vec::new();
                self.expression(
                    &c.consequent,
                    range(c.consequent.span()),
                    scope,
                    None,
                    &mut inner,
                    out,
                    preview,
                    in_preview,
                );
                for p in &mut inner {
                    if let Part::Token { name, fallback, .. } = p {
                        if tested.as_deref() == Some(name.as_str()) && fallback.is_none() {
                            *fallback = Some("(the other branch)".into());
                        }
                    }
                }
                parts.append(&mut inner);
                parts.push(Part::Break(c.alternate.span().start as usize));
                self.expression(
                    &c.alternate,
                    range(c.alternate.span()),
                    scope,
                    None,
                    parts,
                    out,
                    preview,
                    in_preview,
                );
            }
            Expression::JSXElement(el) => {
                let mut o = Vec::new();
                let mut p = Vec::new();
                self.element(el, scope, in_preview, &mut o, &mut p);
                parts.append(if in_preview { &mut p } else { &mut o });
                if in_preview {
                    out.append(&mut o);
                } else {
                    preview.append(&mut p);
                }
            }
            Expression::JSXFragment(f) => {
                for c in &f.children {
                    let mut o = Vec::new();
                    let mut p = Vec::new();
                    self.child(c, scope, in_preview, &mut o, &mut p);
                    parts.append(if in_preview { &mut p } else { &mut o });
                }
            }
            Expression::CallExpression(call) => {
                // `items.map((item) => <li>{item.name}</li>)`
                let is_map = matches!(&call.callee, Expression::StaticMemberExpression(m) if m.property.name == "map");
                if !is_map {
                    return;
                }
                for arg in &call.arguments {
                    let Some(Expression::ArrowFunctionExpression(f)) = arg.as_expression() else {
                        continue;
                    };
                    let mut inner = scope.clone();
                    for p in &f.params.items {
                        collect_bindings(&p.pattern, &mut inner.loop_vars);
                    }
                    let statements = match &f.body {
                        ArrowFunctionBody::FunctionBody(b) => &b.statements[..],
                        body => {
                            if let Some(x) = body.as_expression() {
                                self.expression(
                                    x,
                                    range(x.span()),
                                    &inner,
                                    None,
                                    parts,
                                    out,
                                    preview,
                                    in_preview,
                                );
                            }
                            &[]
                        }
                    };
                    for stmt in statements {
                        match stmt {
                            Statement::ExpressionStatement(s) => self.expression(
                                &s.expression,
                                range(s.span),
                                &inner,
                                None,
                                parts,
                                out,
                                preview,
                                in_preview,
                            ),
                            Statement::ReturnStatement(r) => {
                                if let Some(a) = &r.argument {
                                    self.expression(
                                        a,
                                        range(r.span),
                                        &inner,
                                        None,
                                        parts,
                                        out,
                                        preview,
                                        in_preview,
                                    )
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {
                if let Some((root, name)) = value_name(e) {
                    if scope.loop_vars.iter().any(|v| v == root) {
                        return; // an item of a list the sender fills
                    }
                    let fallback = fallback
                        .filter(|f| !f.is_empty())
                        .or_else(|| self.defaults.get(name).cloned());
                    parts.push(Part::Token {
                        range: whole,
                        name: name.to_string(),
                        fallback,
                    });
                }
            }
        }
    }
}

fn collect_bindings(p: &BindingPattern, out: &mut Vec<String>) {
    match p {
        BindingPattern::BindingIdentifier(id) => out.push(id.name.to_string()),
        BindingPattern::ObjectPattern(o) => {
            for prop in &o.properties {
                collect_bindings(&prop.value, out);
            }
        }
        BindingPattern::ArrayPattern(a) => {
            for el in a.elements.iter().flatten() {
                collect_bindings(el, out);
            }
        }
        BindingPattern::AssignmentPattern(a) => collect_bindings(&a.left, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = r#"import { Html, Body, Preview, Text, Img, Link } from '@react-email/components';

export default function CartEmail({ firstName = 'there', companyName, items }: Props) {
  return (
    <Html>
      <Preview>Your {companyName} cart is waiting</Preview>
      <Body>
        <Text>Hi {firstName}, we noticed you left something behind.</Text>
        <Text>{`Thanks from ${companyName}`}</Text>
        <Img src="/cart.png" alt="Your cart" />
        {items.map((item) => <Text key={item.id}>{item.name}</Text>)}
        <Link href={unsubscribeUrl}>Unsubscribe</Link>
      </Body>
    </Html>
  );
}

CartEmail.PreviewProps = { firstName: 'Alan', companyName: 'Acme' };
"#;

    fn shown(text: &str, parts: &[Part]) -> Vec<String> {
        parts
            .iter()
            .filter_map(|p| match p {
                Part::Copy(r) => Some(text[r.clone()].trim().to_string()),
                Part::Token {
                    range,
                    name,
                    fallback,
                } => Some(format!(
                    "<{name}{}>@{}",
                    fallback
                        .as_deref()
                        .map(|f| format!("|{f}"))
                        .unwrap_or_default(),
                    &text[range.clone()]
                )),
                Part::Unsubscribe(r) => Some(format!("unsubscribe@{}", &text[r.clone()])),
                Part::Break(_) => None,
            })
            .collect()
    }

    #[test]
    fn copy_tokens_and_the_preview_are_read_in_order() {
        let r = read(EMAIL, true).unwrap();
        assert!(r.error.is_none());
        assert_eq!(
            shown(EMAIL, &r.preview),
            ["Your", "<companyName>@{companyName}", "cart is waiting"]
        );
        assert_eq!(
            shown(EMAIL, &r.body),
            [
                "Hi",
                "<firstName|there>@{firstName}",
                ", we noticed you left something behind.",
                "Thanks from",
                "<companyName>@${companyName}",
                "Your cart",
                "unsubscribe@{unsubscribeUrl}",
                "Unsubscribe",
            ]
        );
    }

    #[test]
    fn files_without_react_email_are_not_read() {
        assert!(read("export const x = <div>Hello</div>;", true).is_none());
        // A mention in a comment is not an import.
        assert!(read(
            "// uses @react-email/components later\nexport const x = 1;",
            true
        )
        .is_none());
    }

    #[test]
    fn broken_files_say_where() {
        let r = read(
            "import { Text } from 'react-email';\nexport default () => <Text>Hi</Tex>;\n",
            true,
        )
        .unwrap();
        assert!(r.error.is_some());
    }

    #[test]
    fn fallbacks_in_expressions() {
        let t = "import { Text } from 'react-email';\nexport default ({ user }) => <Text>Hi {user.firstName || 'friend'} {name ?? ''}</Text>;\n";
        let r = read(t, false).unwrap();
        assert_eq!(
            shown(t, &r.body),
            [
                "Hi",
                "<firstName|friend>@{user.firstName || 'friend'}",
                "<name>@{name ?? ''}"
            ]
        );
    }
}
