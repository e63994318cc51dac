import ArgumentParser
import PulseProp

/// The crossbars device weights live in, for `train`: the engine that simulates them, its
/// calibration, SPICE reads and the circuit (devices, pulses, wires, SPICE model).
struct DeviceWeightOptions: ParsableArguments {
    @Option(help: "Device weights: set the pulse gain so that one pulse is one device step and an example's expected weight change is ETA·min(x, |delta|), as with ideal weights at --lr ETA (replaces --lr; use with --rounding stochastic).")
    var deviceEta: Double?

    @Option(help: "Device weights: engine that simulates the crossbars, analytic (default) or spice.")
    var engine: EngineKind?

    @Option(help: "Device weights: calibration file for the analytic engine (default: the shipped one).")
    var calibration: String?

    @Flag(help: "With --engine spice: shadow every step with the analytic engine and log both engines' conductance changes (steps.csv: per-step RMS difference; deltag.csv: every written device's ΔG in both).")
    var compare = false

    @Flag(help: "Device weights: read every forward product from the crossbars in SPICE (sub-threshold operating point, reference column) instead of the ideal matrix product; its error against the ideal product is logged.")
    var spiceRead = false

    @Flag(help: "Device weights, analytic engine: read every forward product through the crossbar's wires (its resistive network solved with the reference column, as --spice-read does in SPICE; with --weights pair each product is the difference of its two columns' currents, no reference column) when --wire-resistance or --driver-resistance is set; its error against the ideal product is logged. With ideal wires the product is the ideal one, unchanged.")
    var wiredRead = false

    @Option(help: "Largest row voltage of a SPICE or wired read, V (below both switching thresholds).")
    var readVoltage = 0.2

    @OptionGroup(title: "Crossbar circuit (device weights)") var circuitOptions: CircuitOptions
    @OptionGroup var spiceModelOptions: SpiceModelOptions


    func validate() throws {
        try requireFinite(["read-voltage": readVoltage, "device-eta": deviceEta])
        try require((deviceEta ?? 1) > 0, "device-eta", "must be > 0")
    }

    /// The options given that mean something for device weights only, by their names.
    var given: [String] {
        [
            ("engine", engine != nil), ("calibration", calibration != nil), ("compare", compare), ("spice-read", spiceRead),
            ("wired-read", wiredRead), ("tile-rows", circuitOptions.tileRows != nil), ("tile-cols", circuitOptions.tileCols != nil),
            ("device-eta", deviceEta != nil),
        ].filter(\.1).map(\.0)
    }

    /// The crossbar hardware these options describe.
    func hardware() throws -> CrossbarHardware {
        var hardware = CrossbarHardware(circuit: try circuitOptions.circuit(), engine: engine ?? .analytic, calibrationPath: calibration)
        hardware.spiceRead = spiceRead
        hardware.wiredRead = wiredRead
        hardware.readVoltage = readVoltage
        spiceModelOptions.configure(&hardware)
        return hardware
    }
}
