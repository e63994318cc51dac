/// What `train` chooses for device weights on a dataset when the command leaves it open, so
/// that a run with `--weights pair --device NAME` and nothing else learns: the pulse gain
/// matched to the device's step at ``eta`` (``DeviceWeightUpdater/matchedGain(eta:encoding:mapping:scheme:response:quantaPerPulse:)``,
/// what `--device-eta` does), stochastic rounding (small updates survive as probabilities
/// instead of rounding to no pulse), per-batch writes for minibatches of more than one
/// example (potentiation and depression cancel before any pulse, so asymmetric devices do
/// not drift under many opposite pulses), and, for pairs, a refresh at ``refreshSaturation``.
/// Each is chosen only when its option was not given.
public enum DeviceDefaults {
    /// The learning rate the gain is matched to: the ideal-weight default of the paper's setting.
    public static let eta = 1e-4
    /// Pairs are refreshed when both devices of a pair pass this state (`reproduce devices`).
    public static let refreshSaturation = 0.8

    /// `configuration` with the defaults applied for every option not in `given` (command-line
    /// names: `lr`, `device-eta`, `rounding`, `write`, `refresh-every`, `refresh-saturation`),
    /// the learning rate the gain is to be matched to (nil when the gain was given), and the
    /// options chosen, spelled as on the command line.
    public static func apply(
        to configuration: BackpropConfiguration, given: Set<String>
    ) -> (configuration: BackpropConfiguration, eta: Double?, chosen: [String]) {
        var c = configuration
        var chosen: [String] = []
        guard c.weights.isDevice else { return (c, nil, []) }
        let eta: Double? = given.isDisjoint(with: ["lr", "device-eta"]) ? Self.eta : nil
        if let eta { chosen.append("--device-eta \(eta)") }
        if !given.contains("rounding"), c.rounding != .stochastic {
            c.rounding = .stochastic
            chosen.append("--rounding stochastic")
        }
        if !given.contains("write"), c.batch > 1, c.write != .perBatch {
            c.write = .perBatch
            chosen.append("--write per-batch")
        }
        if c.weights == .pair, given.isDisjoint(with: ["refresh-every", "refresh-saturation"]), c.refreshSaturation == 0 {
            c.refreshSaturation = refreshSaturation
            chosen.append("--refresh-saturation \(refreshSaturation)")
        }
        return (c, eta, chosen)
    }
}
