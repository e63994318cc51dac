import Foundation

/// Progress within an epoch, every `interval` seconds from a timer, so a run whose single
/// examples take minutes (MNIST with SPICE crossbars: two transients of 785×110 and 111×10
/// devices per example) is never silent: `epoch 1/3: 2/60000 examples, 3 min 5 s, ETA of the
/// epoch 64 d 5 h`. Nothing is printed for epochs shorter than `interval`.
final class ExampleProgress: @unchecked Sendable {
    private let epochs: Int
    private let interval: Double
    private let lock = NSLock()
    private var epoch = 0
    private var done = 0
    private var total = 0
    private var epochStart = Date()
    private var timer: DispatchSourceTimer?

    /// Reports for a run of `epochs` epochs of which `finished` are done (resumed).
    init(epochs: Int, finished: Int, interval: Double = 10) {
        self.epochs = epochs
        self.interval = interval
        epoch = finished
    }

    /// Takes the trainer's count of examples done in the epoch (0 starts an epoch).
    func update(done: Int, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        if done == 0 {
            epoch += 1
            epochStart = Date()
            if timer == nil { startTimer() }
        }
        (self.done, self.total) = (done, total)
    }

    /// Stops the timer (at the end of the run).
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        timer?.cancel()
        timer = nil
    }

    private func startTimer() {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        self.timer = timer
    }

    private func tick() {
        lock.lock()
        let (epoch, done, total, start) = (self.epoch, self.done, self.total, self.epochStart)
        lock.unlock()
        let elapsed = Date().timeIntervalSince(start)
        guard done < total, elapsed >= interval else { return }
        let eta = done == 0 ? "unknown until an example finishes" : Progress.duration(elapsed / Double(done) * Double(total - done))
        FileHandle.standardError.write(Data(String(
            format: "epoch %d/%d: %d/%d examples, %@, ETA of the epoch %@\n", epoch, epochs, done, total,
            Progress.duration(elapsed), eta).utf8))
    }
}
