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
extension BeliefNetWrite: ExpressibleByArgument {}
extension SpiceDialect: ExpressibleByArgument {}
extension SpiceSolver: ExpressibleByArgument {}
extension EqPropUpdateMode: ExpressibleByArgument {}
