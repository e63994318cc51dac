import ArgumentParser
import PulseProp

// The library's enums as command-line values, in one place (each type's raw values are its
// spellings on the command line and in JSON alike).
extension SpiceModelChoice: ExpressibleByArgument {}
extension WeightMode: ExpressibleByArgument {
    /// Takes the legacy `device` as `reference`.
    public init?(argument: String) { self.init(name: argument) }
}
extension UpdateMethod: ExpressibleByArgument {}
extension FeedbackKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension UpdateScheme: ExpressibleByArgument {}
extension DeviceWrite: ExpressibleByArgument {}
extension EngineKind: ExpressibleByArgument {}
extension PulseQuantisation: ExpressibleByArgument {}
extension PulseRounding: ExpressibleByArgument {}
extension BeliefNetStatistics: ExpressibleByArgument {}
extension SpiceDialect: ExpressibleByArgument {}
extension SpiceSolver: ExpressibleByArgument {}
extension EqPropUpdateMode: ExpressibleByArgument {}

/// The writes a belief net takes (`dbn train --write`): those of ``DeviceWrite`` that write
/// once per minibatch, so the parser lists only them.
enum MinibatchWrite: String, CaseIterable, ExpressibleByArgument {
    case perBatch = "per-batch"
    case accumulate

    /// The library's choice.
    var write: DeviceWrite { DeviceWrite(rawValue: rawValue)! }
}
