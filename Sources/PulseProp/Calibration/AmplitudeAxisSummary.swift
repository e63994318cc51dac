import Foundation

/// The lines `pulseprop calibrate` prints about an amplitude axis: per polarity the grid, each
/// slice's fit error and the interpolation error between nodes.
public enum AmplitudeAxisSummary {
    /// The summary of `axis`, one line per polarity and check, each ending in a newline.
    public static func text(_ axis: AmplitudeAxis) -> String {
        var lines = [String(
            format: "amplitude axis (%@): fit error over every slice rms %.3g, max %.3g over %d samples",
            axis.origin, axis.fit.rmsStateError, axis.fit.maxStateError, axis.fit.samples)]
        for (name, slices) in [("SET", axis.potentiation), ("RESET", axis.depression)] {
            let nodes = zip(slices.amplitudes, slices.fit).map { v, fit in
                fit.samples == 0 ? String(format: "%.4g", v) : String(format: "%.4g (max %.2g)", v, fit.maxStateError)
            }
            lines.append("  \(name) amplitudes, V (slice fit max error): " + nodes.joined(separator: ", "))
            if let check = slices.interpolationCheck, !check.amplitudes.isEmpty {
                let worst = check.maxStateError.indices.max { check.maxStateError[$0] < check.maxStateError[$1] }!
                lines.append(String(
                    format: "  %@ interpolation error at %d mid-grid amplitudes: max %.3g of the state range (at %.4g V), rms up to %.3g",
                    name, check.amplitudes.count, check.maxStateError[worst], check.amplitudes[worst], check.rmsStateError.max()!))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
