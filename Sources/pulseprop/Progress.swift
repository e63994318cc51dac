import Foundation
import PulseProp

/// Progress lines for long runs (on standard error).
enum Progress {
    /// `epoch 3/50  train 5.21 %  test 4.90 %  lr 1.21e-04  0.42 s  ETA 20 s`.
    static func epochLine(_ r: EpochRecord, of total: Int, eta: Double) -> String {
        String(
            format: "epoch %d/%d  train %.2f %%  test %.2f %%  lr %.3g  %.2f s  ETA %@\n", r.epoch, total,
            100 * r.trainError, 100 * r.testError, r.learningRate, r.seconds, duration(eta))
    }

    /// `42 s`, `12 min 5 s`, `3 h 20 min`: a duration a reader takes in at a glance.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "unknown" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }
}

/// Progress within an epoch, printed at most every `interval` seconds (an MNIST epoch with
/// SPICE crossbars takes minutes per example): `epoch 1/3: 200/60000 examples, 45 s, ETA of
/// the epoch 3 h 44 min`.
final class ExampleProgress {
    private let epochs: Int
    private let interval: Double
    private let epoch: () -> Int
    private var epochStart = Date()
    private var lastLine = Date()

    /// Reports for a run of `epochs` epochs; `epoch` gives the one in progress.
    init(epochs: Int, interval: Double = 10, epoch: @escaping () -> Int) {
        self.epochs = epochs
        self.interval = interval
        self.epoch = epoch
    }

    /// Takes the trainer's count of examples done in the epoch.
    func report(done: Int, total: Int) {
        let now = Date()
        if done == 0 {
            epochStart = now
            lastLine = now
            return
        }
        guard done < total, now.timeIntervalSince(lastLine) >= interval else { return }
        lastLine = now
        let elapsed = now.timeIntervalSince(epochStart)
        FileHandle.standardError.write(Data(String(
            format: "epoch %d/%d: %d/%d examples, %@, ETA of the epoch %@\n", epoch(), epochs, done, total,
            Progress.duration(elapsed), Progress.duration(elapsed / Double(done) * Double(total - done))).utf8))
    }
}
