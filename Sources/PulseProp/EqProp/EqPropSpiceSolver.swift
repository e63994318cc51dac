import Foundation

/// The equilibrium of an ``EqPropNetwork`` as ngspice's operating point of its
/// ``EqPropNetlist``, in process through a private ``NgspiceLibrary`` copy. One solver is one
/// simulator instance (not shared between threads).
public final class EqPropSpiceSolver: EqPropEngine {
    private let library: NgspiceLibrary

    /// Opens a private ngspice instance.
    public init() throws {
        library = try NgspiceLibrary()
    }

    /// The operating point; a run ngspice cannot finish is an ``EqPropError`` naming the phase
    /// and the node ngspice names (`unknown` when it names none). `start` is not used: ngspice
    /// finds the operating point from its own guess.
    public func equilibrium(of network: EqPropNetwork, input: [Double], nudge: EqPropNudge?, start: [Double]?) throws -> [Double] {
        let netlist = try EqPropNetlist(network: network, input: input, nudge: nudge)
        do {
            return try library.withResults(of: netlist.text) {
                try netlist.nodes.map { try library.requiredVector($0, "node voltage")[0] }
            }
        } catch let error as SpiceError {
            let text = error.description
            let node = text.range(of: #"node [A-Za-z0-9_]+"#, options: .regularExpression).map { String(text[$0].dropFirst(5)) }
            throw EqPropError(phase: EqPropPhase(nudge), node: node ?? "unknown", problem: text)
        }
    }
}
