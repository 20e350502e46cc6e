//! The XML layer of the BPMN reader: bytes to text (UTF-8, or ISO-8859-1 when the declaration
//! says so), the namespaces BPMN files use, and small helpers over `roxmltree` nodes that match
//! elements by namespace URI and local name (never by prefix: files use `bpmn:`, `semantic:`,
//! `model:` or no prefix for the same namespace).

use roxmltree::Node;

/// BPMN 2.0 semantic elements.
pub const MODEL: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
/// BPMN 2.0 diagram interchange.
pub const BPMNDI: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
/// Diagram common (bounds).
pub const DC: &str = "http://www.omg.org/spec/DD/20100524/DC";
/// BPSim 1.0 simulation parameters.
pub const BPSIM_1: &str = "http://www.bpsim.org/schemas/1.0";
/// BPSim 2.0 simulation parameters.
pub const BPSIM_2: &str = "http://www.bpsim.org/schemas/2.0";
/// Procmap's own extension elements (what BPSim cannot say).
pub const PROCMAP: &str = "https://procmap.app/bpmn/1";

/// Turns the bytes of a file into text. UTF-8 unless the XML declaration names ISO-8859-1
/// (or Latin-1 / Windows-1252, read as Latin-1); a file that claims UTF-8 but is not is read as
/// Latin-1 too, with a note. Returns the text and an optional note for the warnings.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if declares_latin1(bytes) {
        return (latin1(bytes), None);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(e) => (
            latin1(bytes),
            Some(format!(
                "the file is not valid UTF-8 (byte {}); it was read as ISO-8859-1",
                e.valid_up_to()
            )),
        ),
    }
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// True when the XML declaration (the first line) names a Latin-1 encoding.
fn declares_latin1(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    let head: String = head.iter().map(|&b| char::from(b)).collect();
    let Some(decl) = head
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split("?>").next())
    else {
        return false;
    };
    let decl = decl.to_ascii_lowercase();
    let Some(after) = decl.split("encoding").nth(1) else {
        return false;
    };
    let value: String = after
        .trim_start_matches(|c: char| c == '=' || c.is_whitespace())
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, '"' | '\''))
        .collect();
    matches!(
        value.as_str(),
        "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" | "windows-1252" | "cp1252"
    )
}

/// True when `node` is the element `name` in namespace `ns`.
pub fn is(node: Node<'_, '_>, ns: &str, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(ns)
}

/// True when `node` is a BPMN semantic element.
pub fn in_model(node: Node<'_, '_>) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(MODEL)
}

/// The element children of `node` named `name` in `ns`.
pub fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    ns: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children().filter(move |c| is(*c, ns, name))
}

/// The first element child of `node` named `name` in `ns`.
pub fn child<'a, 'input>(node: Node<'a, 'input>, ns: &str, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| is(*c, ns, name))
}

/// The text inside an element (all its text nodes), trimmed.
pub fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// An attribute in no namespace, `None` when absent or empty (Signavio writes empty
/// attributes the schema forbids; an empty reference is no reference).
pub fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute(name).filter(|v| !v.trim().is_empty())
}

/// A number attribute.
pub fn number(node: Node<'_, '_>, name: &str) -> Option<f64> {
    attr(node, name)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// A `QName` reference with its prefix removed (`tns:Task_1` -> `Task_1`).
pub fn local_ref(value: &str) -> &str {
    let value = value.trim();
    value.rsplit_once(':').map_or(value, |(_, local)| local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_declarations_decode_to_utf8() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"caf\xE9\"/>";
        let (text, note) = decode(bytes);
        assert!(text.contains("caf\u{e9}"), "{text}");
        assert!(note.is_none());
        let (text, note) = decode(b"<?xml version=\"1.0\"?><a n=\"\xE9\"/>");
        assert!(text.contains('\u{e9}'));
        assert!(note.is_some_and(|n| n.contains("not valid UTF-8")));
        assert_eq!(decode("<a n=\"é\"/>".as_bytes()).0, "<a n=\"é\"/>");
    }

    #[test]
    fn references_lose_their_prefix() {
        assert_eq!(local_ref("tns:Task_1"), "Task_1");
        assert_eq!(local_ref(" Task_1 "), "Task_1");
    }
}
