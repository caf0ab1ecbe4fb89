/// A plain-text table with columns padded to their widest cell.
package struct TextTable {
    /// How a column's cells are padded.
    package enum Alignment {
        case left, right
    }

    /// A column's header and alignment.
    package struct Column {
        package var header: String
        package var alignment: Alignment

        package init(header: String, alignment: Alignment) {
            self.header = header
            self.alignment = alignment
        }
    }

    package var columns: [Column]
    /// Rows of cells; a row with fewer cells than columns is padded with empty
    /// cells, extra cells are ignored.
    package var rows: [[String]] = []

    package init(columns: [Column], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The header, a rule of dashes and the rows, each line ending in a
    /// newline, columns separated by two spaces, trailing spaces removed.
    ///
    /// - Complexity: O(total characters).
    package func rendered() -> String {
        let cells = [columns.map(\.header)] + rows.map { row in
            columns.indices.map { $0 < row.count ? row[$0] : "" }
        }
        let widths = columns.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            let padded = columns.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return columns[column].alignment == .left ? row[column] + padding : padding + row[column]
            }
            var text = padded.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return cells.prefix(1).map(line).joined() + line(rule) + cells.dropFirst().map(line).joined()
    }
}
