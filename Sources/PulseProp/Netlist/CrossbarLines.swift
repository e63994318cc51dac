/// Node names and resistors of the crossbar's row and column lines for a given wiring.
struct CrossbarLines {
    /// One resistor of a line.
    struct Resistor {
        let name: String
        let a: String
        let b: String
        let ohms: Double
    }

    let rows: Int
    let cols: Int
    let wiring: CrossbarWiring

    /// The node where line `kind``index` leaves its driver resistance.
    private func lineStart(_ kind: String, _ index: Int) -> String {
        wiring.driverResistance > 0 ? "\(kind)\(index)_in" : "\(kind)\(index)"
    }

    /// Node of row `i` at its crossing with column `j`.
    func rowNode(_ i: Int, _ j: Int) -> String {
        wiring.segmentResistance > 0 ? "r\(i)_\(j)" : lineStart("r", i)
    }

    /// Node of column `j` at its crossing with row `i`.
    func columnNode(_ j: Int, _ i: Int) -> String {
        wiring.segmentResistance > 0 ? "c\(j)_\(i)" : lineStart("c", j)
    }

    /// Driver resistors first, then each line's segments from the driver outwards.
    var resistors: [Resistor] {
        var list: [Resistor] = []
        if wiring.driverResistance > 0 {
            for i in 0..<rows { list.append(Resistor(name: "rdr\(i)", a: "r\(i)", b: "r\(i)_in", ohms: wiring.driverResistance)) }
            for j in 0..<cols { list.append(Resistor(name: "rdc\(j)", a: "c\(j)", b: "c\(j)_in", ohms: wiring.driverResistance)) }
        }
        if wiring.segmentResistance > 0 {
            for i in 0..<rows {
                for j in 0..<cols {
                    let from = j == 0 ? lineStart("r", i) : rowNode(i, j - 1)
                    list.append(Resistor(name: "rwr\(i)_\(j)", a: from, b: rowNode(i, j), ohms: wiring.segmentResistance))
                }
            }
            for j in 0..<cols {
                for i in 0..<rows {
                    let from = i == 0 ? lineStart("c", j) : columnNode(j, i - 1)
                    list.append(Resistor(name: "rwc\(j)_\(i)", a: from, b: columnNode(j, i), ohms: wiring.segmentResistance))
                }
            }
        }
        return list
    }
}
