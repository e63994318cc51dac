import Foundation
import PulseProp

/// Progress lines for long runs (on standard error).
enum Progress {
    /// `epoch 3/50  train 5.21 %  test 4.90 %  lr 1.21e-04  0.42 s  ETA 20 s`.
    static func epochLine(_ r: BackpropEpoch, of total: Int, eta: Double) -> String {
        String(
            format: "epoch %d/%d  train %.2f %%  test %.2f %%  lr %.3g  %.2f s  ETA %@\n", r.epoch, total,
            100 * r.trainError, 100 * r.testError, r.learningRate, r.seconds, duration(eta))
    }

    /// `42 s`, `12 min 5 s`, `3 h 20 min`, `4 d 2 h`: a duration a reader takes in at a glance.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "unknown" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        if s < 86400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86400) d \(s % 86400 / 3600) h"
    }
}
