/// Fits one polarity's ``AmplitudeAxis/Slices`` from pulse sequences measured at each
/// amplitude, the same way for ngspice sweeps and measured curves: each slice is fitted as the
/// nominal table is (``ResponseFitting/table(_:grid:potentiating:)``), then made to move at
/// least as far as every lower amplitude's (from the nominal slice, which is kept as it is,
/// outwards), and its fit error is measured against its own sequences.
enum AmplitudeAxisFitting {
    /// The sequences measured at one amplitude.
    struct Measured {
        /// Volts across the device.
        var amplitude: Double
        /// Sequences with a state after every pulse (to fit the table from).
        var everyPulse: [[Double]]
        /// The measured samples of the same sequences (to measure the fit error against).
        var samples: [[(pulse: Int, state: Double)]]
        /// No movement by the device model (an amplitude in its dead zone): not fitted.
        var deadZone = false

        /// Sequences sampled at every pulse.
        init(amplitude: Double, runs: [[Double]]) {
            self.amplitude = amplitude
            everyPulse = runs
            samples = runs.map { $0.enumerated().map { (pulse: $0.offset, state: $0.element) } }
        }

        /// Sequences sampled at the given pulses, with every pulse interpolated.
        init(amplitude: Double, everyPulse: [[Double]], samples: [[(pulse: Int, state: Double)]]) {
            self.amplitude = amplitude
            self.everyPulse = everyPulse
            self.samples = samples
        }

        /// An amplitude in the dead zone.
        static func deadZone(_ amplitude: Double) -> Measured {
            var m = Measured(amplitude: amplitude, runs: [])
            m.deadZone = true
            return m
        }
    }

    /// One polarity's measurements: increasing amplitudes, one of them `nominal`, whose slice
    /// is `table` (the calibration's top-level table).
    typealias Polarity = (measured: [Measured], nominal: Double, table: [Double])

    /// The axis on `states` from both polarities' measurements, its fit error over every slice.
    static func axis(origin: String, states: [Double], potentiation: Polarity, depression: Polarity) -> AmplitudeAxis {
        let up = slices(states: states, measured: potentiation.measured, nominal: potentiation.nominal, nominalTable: potentiation.table, potentiating: true)
        let down = slices(states: states, measured: depression.measured, nominal: depression.nominal, nominalTable: depression.table, potentiating: false)
        var error = up.error
        error.add(down.error)
        return AmplitudeAxis(origin: origin, potentiation: up.slices, depression: down.slices, fit: error.fit)
    }

    /// The slices on `states` from `measured` (increasing amplitudes, one of them `nominal`,
    /// whose table is `nominalTable`), and their summed fit error.
    static func slices(
        states: [Double], measured: [Measured], nominal: Double, nominalTable: [Double], potentiating: Bool
    ) -> (slices: AmplitudeAxis.Slices, error: ResponseFitting.FitError) {
        var responses = measured.map { m -> [Double] in
            if m.amplitude == nominal { return nominalTable }
            if m.deadZone { return states }
            return ResponseFitting.table(m.everyPulse, grid: states, potentiating: potentiating)
        }
        if let center = measured.firstIndex(where: { $0.amplitude == nominal }) {
            // Higher amplitude, at least as much movement: outwards from the nominal slice.
            let further = { (a: Double, b: Double) in potentiating ? max(a, b) : min(a, b) }
            let nearer = { (a: Double, b: Double) in potentiating ? min(a, b) : max(a, b) }
            for a in (center + 1)..<responses.count { responses[a] = zip(responses[a], responses[a - 1]).map(further) }
            for a in stride(from: center - 1, through: 0, by: -1) { responses[a] = zip(responses[a], responses[a + 1]).map(nearer) }
        }
        var total = ResponseFitting.FitError()
        var fits: [PulseResponseCalibration.Fit] = []
        for (m, response) in zip(measured, responses) {
            var error = ResponseFitting.FitError()
            error.add(grid: states, step: response, runs: m.samples)
            total.add(error)
            fits.append(error.fit)
        }
        return (AmplitudeAxis.Slices(amplitudes: measured.map(\.amplitude), nominal: nominal, responses: responses, fit: fits), total)
    }
}
