import XCTest

@testable import PulseProp

/// The thread chooser's cycle: which minibatches it probes, which it times, when it switches.
final class ThreadChooserTests: XCTestCase {
    /// Runs `cycles` whole cycles in which a minibatch on one thread takes `oneThread` seconds
    /// and on the team `team` seconds, except that the first minibatch after every change of
    /// threads takes `afterChange`; returns the threads of every minibatch.
    func simulate(
        _ chooser: inout ThreadChooser, cycles: Int, oneThread: Double, team: Double, afterChange: Double? = nil
    ) -> [Int] {
        var now: UInt64 = 1_000_000_000
        chooser.startEpoch(now: now)
        var used: [Int] = []
        for _ in 0..<(cycles * ThreadChooser.cycle) {
            let threads = chooser.threads
            var seconds = threads == 1 ? oneThread : team
            if let afterChange, used.last != threads { seconds = afterChange }
            used.append(threads)
            now += UInt64(seconds * 1e9)
            chooser.endMinibatch(now: now)
        }
        return used
    }

    func testTheTeamIsKeptWhileItIsFaster() {
        var chooser = ThreadChooser(team: 2)
        let used = simulate(&chooser, cycles: 3, oneThread: 1e-3, team: 0.6e-3)
        let cycle = Array(repeating: 1, count: ThreadChooser.probe)
            + Array(repeating: 2, count: ThreadChooser.cycle - ThreadChooser.probe)
        XCTAssertEqual(used, cycle + cycle + cycle)
        XCTAssertEqual(chooser.preferred, 2)
    }

    func testOneThreadIsTakenWhenTheTeamIsSlowerAndTheTeamTakenBackWhenItRecovers() {
        var chooser = ThreadChooser(team: 2)
        let slowTeam = simulate(&chooser, cycles: 2, oneThread: 1e-3, team: 1.3e-3)
        // The first cycle probes one thread and finds it faster; the second runs on one
        // thread and probes the team.
        XCTAssertEqual(Array(slowTeam[ThreadChooser.cycle..<(ThreadChooser.cycle + ThreadChooser.probe)]), [2, 2, 2, 2])
        XCTAssertEqual(Set(slowTeam[(ThreadChooser.cycle + ThreadChooser.probe)...]), [1])
        XCTAssertEqual(chooser.preferred, 1)
        _ = simulate(&chooser, cycles: 1, oneThread: 1e-3, team: 0.6e-3)
        XCTAssertEqual(chooser.preferred, 2)
    }

    /// Within the margin the choice stays: probes that are 3 % faster are timing noise.
    func testDifferencesWithinTheMarginDoNotSwitch() {
        var chooser = ThreadChooser(team: 2)
        _ = simulate(&chooser, cycles: 4, oneThread: 0.97e-3, team: 1e-3)
        XCTAssertEqual(chooser.preferred, 2)
    }

    /// The minibatch after a change of threads (waking the worker, cold caches) is not timed:
    /// a slow one there does not keep a faster team from being taken back.
    func testTheFirstMinibatchAfterAChangeIsNotTimed() {
        var chooser = ThreadChooser(team: 2)
        _ = simulate(&chooser, cycles: 1, oneThread: 1e-3, team: 2e-3)
        XCTAssertEqual(chooser.preferred, 1)
        _ = simulate(&chooser, cycles: 1, oneThread: 1e-3, team: 0.6e-3, afterChange: 1.0)
        XCTAssertEqual(chooser.preferred, 2)
    }

    /// The time between epochs (evaluation, checkpoints) is no minibatch's: an epoch that
    /// starts late does not count against the choice in use.
    func testTimeBetweenEpochsIsNotCounted() {
        var chooser = ThreadChooser(team: 2)
        var now: UInt64 = 0
        for k in 0..<ThreadChooser.cycle {
            if k == 32 { now += 10_000_000_000 }
            if k == 32 || k == 0 { chooser.startEpoch(now: now) }
            now += chooser.threads == 1 ? 1_000_000 : 900_000
            chooser.endMinibatch(now: now)
        }
        XCTAssertEqual(chooser.preferred, 2)
    }
}
