import Foundation

/// The presets `pulseprop devices` lists: each one's published description and the
/// threshold-family parameters it is realised with.
public struct DeviceList: Codable, Sendable {
    /// One preset.
    public struct Entry: Codable, Sendable {
        public let name: String
        public let kind: String
        /// The device JSON (what `--device FILE.json` takes).
        public let device: Device
        /// Published nonlinearity labels (potentiation, depression), if any.
        public let nonlinearity: [Double]?
        /// The equations every engine simulates.
        public let realisation: ThresholdDevice
        public let source: String
    }

    public let presets: [Entry]

    /// Every shipped preset.
    public init(_ presets: [DevicePreset] = DevicePreset.all) {
        self.presets = presets.map {
            Entry(
                name: $0.name, kind: $0.device.kind, device: $0.device,
                nonlinearity: $0.nonlinearity.map { [$0.potentiation, $0.depression] }, realisation: $0.device.switching,
                source: $0.source)
        }
    }

    /// Pretty JSON with snake_case keys.
    public func json() throws -> String { try SnakeCaseJSON.string(self) }

    /// A text table: levels, nonlinearity and window of each polarity, G range, source.
    public func table() -> String {
        func g(_ v: Double) -> String { String(format: "%.4g", v) }
        let header = ["name", "levels +/-", "NL +/-", "k_set /s", "k_reset /s", "x_top", "x_bot", "G_on uS", "on/off"]
        var rows = [header]
        for e in presets {
            let r = e.realisation
            var levels = "-"
            if case .pulseResponse(let d) = e.device { levels = "\(d.potentiationLevels)/\(d.depressionLevels)" }
            rows.append([
                e.name, levels, e.nonlinearity.map { "\(g($0[0]))/\(g($0[1]))" } ?? "-", g(r.setRate), g(r.resetRate),
                g(r.setWindowTop), g(r.resetWindowBottom), g(r.onConductance * 1e6), g(r.onConductance / r.offConductance),
            ])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n\nSources:\n"
        out += presets.map { "  \($0.name): \($0.source)" }.joined(separator: "\n") + "\n"
        return out
    }
}
