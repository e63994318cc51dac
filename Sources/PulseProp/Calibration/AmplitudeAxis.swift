/// The pulse-amplitude axis of a calibration (schema version 2): for each polarity, the state
/// after one pulse from every grid state at every amplitude of a grid, in volts across the
/// device. The slice at the nominal amplitude is the calibration's own `potentiation` /
/// `depression` table, bit for bit, so a calibration without wires reads what schema version 1
/// read. ``AmplitudeResponseTable`` interpolates it; ``AmplitudeGrid`` chooses the grid of an
/// ngspice calibration.
public struct AmplitudeAxis: Codable, Equatable, Sendable {
    /// One polarity's responses on states × amplitudes.
    public struct Slices: Codable, Equatable, Sendable {
        /// Pulse amplitudes, volts across the device (magnitudes for RESET), increasing, > 0.
        public var amplitudes: [Double]
        /// The nominal (full programming) amplitude, one of `amplitudes`.
        public var nominal: Double
        /// `responses[a][s]`: the state after one pulse of `amplitudes[a]` from grid state `s`.
        public var responses: [[Double]]
        /// Fit error of each slice against its own pulse sequences (0 samples for slices at or
        /// below the switching threshold, which the device model's dead zone fixes at no movement).
        public var fit: [PulseResponseCalibration.Fit]
        /// Interpolation error measured between the grid's amplitudes, or nil if not measured.
        public var interpolationCheck: InterpolationCheck?

        /// Creates one polarity's slices.
        public init(
            amplitudes: [Double], nominal: Double, responses: [[Double]], fit: [PulseResponseCalibration.Fit],
            interpolationCheck: InterpolationCheck? = nil
        ) {
            self.amplitudes = amplitudes
            self.nominal = nominal
            self.responses = responses
            self.fit = fit
            self.interpolationCheck = interpolationCheck
        }

        /// Index of the nominal amplitude.
        public var nominalIndex: Int? { amplitudes.firstIndex(of: nominal) }
    }

    /// The one-pulse response interpolated between grid amplitudes against a direct measurement
    /// at those amplitudes (e.g. midway between nodes), from every grid state.
    public struct InterpolationCheck: Codable, Equatable, Sendable {
        /// The amplitudes checked, volts.
        public var amplitudes: [Double]
        /// RMS state error over the grid states, per checked amplitude.
        public var rmsStateError: [Double]
        /// Largest state error over the grid states, per checked amplitude.
        public var maxStateError: [Double]

        /// Creates a check record.
        public init(amplitudes: [Double], rmsStateError: [Double], maxStateError: [Double]) {
            self.amplitudes = amplitudes
            self.rmsStateError = rmsStateError
            self.maxStateError = maxStateError
        }
    }

    /// Where the slices other than the nominal one come from: an ngspice version or the
    /// measurement file's name (the nominal slice's is the calibration's `origin`).
    public var origin: String
    /// SET pulses.
    public var potentiation: Slices
    /// RESET pulses.
    public var depression: Slices
    /// Fit error over every slice of both polarities.
    public var fit: PulseResponseCalibration.Fit

    /// Creates an axis.
    public init(origin: String, potentiation: Slices, depression: Slices, fit: PulseResponseCalibration.Fit) {
        self.origin = origin
        self.potentiation = potentiation
        self.depression = depression
        self.fit = fit
    }

    /// The slices of `kind`'s pulses.
    public func slices(_ kind: LearningPhase.Kind) -> Slices { kind == .potentiation ? potentiation : depression }
}

extension AmplitudeAxis.InterpolationCheck {
    /// `table`'s one-pulse responses of `kind` at `amplitudes` from every grid state against
    /// `measured[a][s]`, the state measured after one pulse of `amplitudes[a]` from grid state `s`.
    init(_ table: AmplitudeResponseTable, _ kind: LearningPhase.Kind, amplitudes: [Double], measured: [[Double]]) {
        let errors = zip(amplitudes, measured).map { v, after in
            zip(table.states, after).map { x, measured in abs(table.state(afterPulseOf: kind, amplitude: v, from: x) - measured) }
        }
        self.init(
            amplitudes: amplitudes, rmsStateError: errors.map { ($0.map { $0 * $0 }.reduce(0, +) / Double(max($0.count, 1))).squareRoot() },
            maxStateError: errors.map { $0.max() ?? 0 })
    }
}

extension AmplitudeAxis.Slices {
    /// Checks the grid and the responses of the polarity called `key` (`potentiation` or
    /// `depression`) against the calibration's `states` and nominal table `nominalTable`; errors
    /// name the field as the file spells it (`amplitude_axis.potentiation.amplitudes`).
    func validate(key: String, states: [Double], nominalTable: [Double], name: String) throws {
        let field = "amplitude_axis.\(key)"
        func fail(_ problem: String) -> DataError { DataError(name, problem) }
        guard !amplitudes.isEmpty else { throw fail("has no \(field).amplitudes") }
        if let k = amplitudes.firstIndex(where: { !$0.isFinite }) {
            throw fail("has a non-finite \(field).amplitudes entry at index \(k)")
        }
        if let k = amplitudes.firstIndex(where: { $0 <= 0 }) {
            throw fail("has \(field).amplitudes[\(k)] = \(amplitudes[k]) V; amplitudes are magnitudes > 0")
        }
        for k in amplitudes.indices.dropFirst() where amplitudes[k] <= amplitudes[k - 1] {
            throw fail("has \(field).amplitudes not increasing at index \(k) (\(amplitudes[k - 1]) then \(amplitudes[k]) V)")
        }
        guard let nominalIndex else {
            throw fail("has \(field).nominal = \(nominal) V, which is not one of its amplitudes")
        }
        guard responses.count == amplitudes.count, fit.count == amplitudes.count else {
            throw fail("has \(amplitudes.count) \(field).amplitudes but \(responses.count) responses and \(fit.count) fits")
        }
        let potentiating = key == "potentiation"
        for (a, response) in responses.enumerated() {
            try ResponseChecks.check(response, key: "\(field).responses[\(a)]", states: states, potentiating: potentiating, name: name)
            guard a > 0 else { continue }
            let previous = responses[a - 1]
            if let s = response.indices.first(where: { potentiating ? response[$0] < previous[$0] : response[$0] > previous[$0] }) {
                throw fail("has \(field).responses[\(a)] moving less than the lower amplitude's at state index \(s)")
            }
        }
        guard responses[nominalIndex] == nominalTable else {
            throw fail("has \(field).responses[\(nominalIndex)] (the nominal amplitude) differing from the top-level \(key) table")
        }
        if let check = interpolationCheck,
           check.rmsStateError.count != check.amplitudes.count || check.maxStateError.count != check.amplitudes.count {
            throw fail("has \(field).interpolation_check with \(check.amplitudes.count) amplitudes but other counts of errors")
        }
    }
}
