import ArgumentParser
import PulseProp

/// The memory limit of commands whose sizes a user chooses.
public struct MemoryOptions: ParsableArguments {
    @Option(help: "Largest memory a request may need, e.g. 512M or 16G (default: the machine's physical memory); larger requests are refused before anything is allocated.")
    public var maxMemory: String?

    public init() {}

    /// The budget these options give.
    public func budget() throws -> MemoryBudget {
        guard let maxMemory else { return .machine }
        guard let budget = MemoryBudget.parse(maxMemory) else {
            throw ParameterError("max-memory", "'\(maxMemory)' is not a size such as 512M, 16G or a byte count")
        }
        return budget
    }
}
