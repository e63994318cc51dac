import Foundation

/// Measured conductance-vs-pulse curves as a CSV holds them (`phase,pulse,conductance`, and
/// optionally `amplitude`, volts across the device), read and checked line by line: pulse
/// numbers rise within a sequence (0 starts a new one) and may skip pulses (a curve sampled
/// every `k` pulses); every conductance is finite, positive and plausible for the curve; a
/// sequence keeps one amplitude, finite and > 0. Refusals name the line.
struct MeasuredCurves {
    /// One measured point.
    struct Sample {
        var pulse: Int
        var conductance: Double
        var line: Int
        /// Pulse amplitude magnitude, volts (nil without an amplitude column).
        var amplitude: Double?
    }

    /// Sequences of each phase (`potentiation`, `depression`), in file order.
    var sequences: [String: [[Sample]]]
    /// Whether the file has the `amplitude` column.
    var hasAmplitudes: Bool

    /// The headers a file may start with: without and with the amplitude column.
    static let headers = ["phase,pulse,conductance", "phase,pulse,conductance,amplitude"]

    /// Largest pulse number a curve may reach (its states are interpolated at every pulse).
    static let maxPulse = 100_000
    /// Most pulses all curves of a file may span together (each is interpolated at every pulse).
    static let maxTotalPulses = 1_000_000
    /// A conductance more than this factor above or below the file's median is no measurement
    /// of the same device (a unit slip, a corrupt row).
    static let plausibleFactor = 1e6
    /// Largest plausible conductance of a memristive device, siemens (1 mΩ).
    static let maxConductance = 1e3

    /// Reads `text` (named `name` in errors).
    init(text: String, name: String) throws {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .map { (number: $0.offset + 1, text: $0.element.trimmingCharacters(in: .whitespaces)) }.filter { !$0.text.isEmpty }
        guard let header = lines.first?.text.lowercased().replacingOccurrences(of: " ", with: ""), Self.headers.contains(header)
        else { throw DataError(name, "must start with the header '\(Self.headers[0])' or '\(Self.headers[1])'") }
        lines.removeFirst()
        hasAmplitudes = header == Self.headers[1]
        let columns = hasAmplitudes ? 4 : 3
        var sequences: [String: [[Sample]]] = ["potentiation": [], "depression": []]
        var spanned = 0
        for (number, line) in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == columns, sequences[fields[0]] != nil, let pulse = Int(fields[1]), pulse >= 0,
                let g = Double(fields[2]), g.isFinite, g > 0
            else {
                throw DataError(name, "line \(number): expected potentiation|depression, a pulse number ≥ 0 and a conductance > 0\(hasAmplitudes ? " and an amplitude" : ""), got '\(line)'")
            }
            var amplitude: Double?
            if hasAmplitudes {
                guard let v = Double(fields[3]), v.isFinite, v > 0 else {
                    throw DataError(name, "line \(number): amplitude '\(fields[3])' is not a finite number of volts > 0 (the magnitude across the device)")
                }
                amplitude = v
            }
            guard pulse <= Self.maxPulse else {
                throw DataError(name, "line \(number): pulse \(pulse) is beyond the \(Self.maxPulse) pulses a curve may span")
            }
            guard g <= Self.maxConductance else {
                throw DataError(name, "line \(number): conductance \(g) S is above \(Self.maxConductance.shortDecimal) S, more than any device conducts")
            }
            let phase = fields[0]
            if pulse == 0 || sequences[phase]!.isEmpty {
                sequences[phase]!.append([])
            } else if let last = sequences[phase]!.last?.last, pulse <= last.pulse {
                throw DataError(
                    name, "line \(number): pulse \(pulse) does not follow pulse \(last.pulse) of its \(phase) sequence (pulse numbers rise; 0 starts a new sequence)")
            } else if let first = sequences[phase]!.last?.first, let a = first.amplitude, a != amplitude {
                throw DataError(
                    name, "line \(number): amplitude \(amplitude!) V differs from the \(a) V of its \(phase) sequence (a sequence keeps one amplitude; pulse 0 starts a new one)")
            }
            spanned += pulse - (sequences[phase]!.last!.last?.pulse ?? pulse)
            guard spanned <= Self.maxTotalPulses else {
                throw DataError(name, "line \(number): the curves span more than \(Self.maxTotalPulses) pulses together")
            }
            sequences[phase]![sequences[phase]!.count - 1].append(Sample(pulse: pulse, conductance: g, line: number, amplitude: amplitude))
        }
        self.sequences = sequences
        try checkPlausible(name: name)
    }

    /// Refuses a conductance outside ``plausibleFactor`` of the median, naming its line.
    private func checkPlausible(name: String) throws {
        let samples = sequences.values.flatMap { $0.flatMap { $0 } }
        guard !samples.isEmpty else { return }
        let sorted = samples.map(\.conductance).sorted()
        let median = sorted[sorted.count / 2]
        for sample in samples.sorted(by: { $0.line < $1.line })
        where sample.conductance > median * Self.plausibleFactor || sample.conductance < median / Self.plausibleFactor {
            throw DataError(name, String(
                format: "line %d: conductance %.3g S is implausible for this curve (median %.3g S; measurements lie within a factor %.0e of it)",
                sample.line, sample.conductance, median, Self.plausibleFactor))
        }
    }

    /// A sequence's states at every pulse from its first to its last, interpolated linearly in
    /// the pulse number between measured points (`toState` maps conductance to state).
    static func everyPulse(_ sequence: [Sample], toState: (Double) -> Double) -> [Double] {
        guard let first = sequence.first else { return [] }
        var states = [toState(first.conductance)]
        for (a, b) in zip(sequence, sequence.dropFirst()) {
            let (xa, xb) = (toState(a.conductance), toState(b.conductance))
            let gap = b.pulse - a.pulse
            for k in 1...gap { states.append(xa + (xb - xa) * Double(k) / Double(gap)) }
        }
        return states
    }
}
