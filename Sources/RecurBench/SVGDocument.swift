/// A minimal SVG writer: elements are appended in drawing order and every
/// text and attribute value is escaped, so the result is well-formed XML.
struct SVGDocument {
    var width: Double
    var height: Double
    private var lines: [String] = []
    private var depth = 1

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends an empty element, or one holding `text`.
    mutating func add(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        let start = "<\(name)\(Self.attributeList(attributes))"
        guard let text else { return append(start + "/>") }
        append(start + ">\(Self.escape(text))</\(name)>")
    }

    /// Appends an element holding a `<title>` (a tooltip in browsers).
    mutating func add(_ name: String, _ attributes: [(String, String)], tooltip: String) {
        append("<\(name)\(Self.attributeList(attributes))><title>\(Self.escape(tooltip))</title></\(name)>")
    }

    /// Appends the elements that `body` adds inside a `name` element.
    mutating func group(_ name: String, _ attributes: [(String, String)], _ body: (inout SVGDocument) -> Void) {
        append("<\(name)\(Self.attributeList(attributes))>")
        depth += 1
        body(&self)
        depth -= 1
        append("</\(name)>")
    }

    /// The complete document, starting with an XML declaration.
    func rendered() -> String {
        let size = "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
        let viewBox = "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\""
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" \(size) \(viewBox) font-family=\"sans-serif\">\n"
            + lines.joined() + "</svg>\n"
    }

    private mutating func append(_ line: String) {
        lines.append(String(repeating: "  ", count: depth) + line + "\n")
    }

    private static func attributeList(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// `text` with the characters that XML reserves replaced by entities, and
    /// control characters that XML 1.0 forbids replaced by spaces.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: escaped += " "
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A coordinate with at most two decimals, e.g. "12.5".
    static func number(_ value: Double) -> String {
        var text = DecimalFormat.fixed(value, digits: 2)
        guard text.contains(".") else { return text }
        while text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return text
    }

    /// A list of points for `polyline`, e.g. "10,20 30,40".
    static func points(_ points: [(x: Double, y: Double)]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }
}
