import ArgumentParser
import PulseProp

/// The memory limit of commands whose sizes a user chooses.
struct MemoryOptions: ParsableArguments {
    @Option(help: "Largest memory a request may need, e.g. 512M or 16G (default: the machine's physical memory); larger requests are refused before anything is allocated.")
    var maxMemory: String?

    /// The budget these options give.
    func budget() throws -> MemoryBudget {
        guard let maxMemory else { return .machine }
        guard let budget = MemoryBudget.parse(maxMemory) else {
            throw ParameterError("max-memory", "'\(maxMemory)' is not a size such as 512M, 16G or a byte count")
        }
        return budget
    }
}
