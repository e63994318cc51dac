/// A published device shipped by name (`--device NAME`, listed by `pulseprop devices`).
public struct DevicePreset: Sendable {
    /// The name `--device` takes.
    public let name: String
    /// The device.
    public let device: Device
    /// Nonlinearity labels (potentiation / depression) as published, or nil.
    public let nonlinearity: (potentiation: Double, depression: Double)?
    /// Where the numbers come from.
    public let source: String

    /// Every preset, the default device first.
    ///
    /// The pulse-response devices are NeuroSim's device table (Chen, Peng, Yu et al., IEEE TCAD
    /// 2018; MLP_NeuroSim V3.0 manual): levels, nonlinearity labels and on/off ratios as
    /// tabulated, normalised `A` read from its `documents/Nonlinearity-NormA.htm` for each
    /// label, `G_on` = 100 µS (the metal-oxide device's) and `G_off = G_on/(on/off ratio)`.
    public static let all: [DevicePreset] = [
        DevicePreset(
            name: "metal-oxide", device: .metalOxide, nonlinearity: nil,
            source: "PulseProp's default VTEAM-type threshold device (saturating, ±1 V thresholds)"),
        neuroSim(
            "ag-a-si", levels: (97, 100), nonlinearity: (2.4, -4.88), normalizedA: (0.4992, 0.2003), onOff: 12.5,
            source: "Ag:a-Si, Jo et al., Nano Lett. 10, 1297 (2010)"),
        neuroSim(
            "taox-hfox", levels: (128, 128), nonlinearity: (0.04, -0.63), normalizedA: (31.5668, 1.9973), onOff: 10,
            source: "TaOx/HfOx, Wu et al., VLSI Technology 2018"),
        neuroSim(
            "alox-hfo2", levels: (40, 40), nonlinearity: (1.94, -0.61), normalizedA: (0.6292, 2.0633), onOff: 4.43,
            source: "AlOx/HfO2, Woo et al., IEEE Electron Device Lett. 37, 994 (2016)"),
        neuroSim(
            "epiram", levels: (64, 64), nonlinearity: (0.5, -0.5), normalizedA: (2.5199, 2.5199), onOff: 50.2,
            source: "EpiRAM (SiGe), Choi et al., Nature Mater. 17, 335 (2018)"),
        neuroSim(
            "linear", levels: (1000, 1000), nonlinearity: (0, 0), normalizedA: (1e4, 1e4), onOff: 10,
            source: "ideal linear device (NeuroSim's A → ∞ limit, here A = 10⁴·P_max)"),
    ]

    private static func neuroSim(
        _ name: String, levels: (Int, Int), nonlinearity: (Double, Double), normalizedA: (Double, Double), onOff: Double,
        source: String
    ) -> DevicePreset {
        let on = 1e-4
        return DevicePreset(
            name: name,
            device: .pulseResponse(
                PulseResponseDevice(
                    potentiationLevels: levels.0, depressionLevels: levels.1, potentiationNormalizedA: normalizedA.0,
                    depressionNormalizedA: normalizedA.1, onConductance: on, offConductance: on / onOff)),
            nonlinearity: nonlinearity, source: source)
    }

    /// The preset called `name`.
    public static func named(_ name: String) -> DevicePreset? { all.first { $0.name == name } }

    /// Refuses the first of `names` that is not a preset, naming `option` and the known ones.
    public static func requireKnown(_ names: [String], option: String) throws {
        for name in names {
            try require(
                named(name) != nil, option, "'\(name)' is not a known device; known: \(all.map(\.name).joined(separator: ", "))")
        }
    }
}
