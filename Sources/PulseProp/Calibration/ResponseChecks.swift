/// The checks every one-pulse response table passes, at the nominal amplitude and on the
/// amplitude axis alike: as many entries as grid states, finite, in `[0, 1]`, order-preserving
/// (a higher state never ends below a lower one) and moving the right way. Errors name the
/// field as the file spells it.
enum ResponseChecks {
    static func check(_ values: [Double], key: String, states: [Double], potentiating: Bool, name: String) throws {
        func fail(_ problem: String) -> DataError { DataError(name, problem) }
        guard values.count == states.count else {
            throw fail("has \(states.count) states but \(values.count) \(key) entries")
        }
        if let k = values.firstIndex(where: { !$0.isFinite }) { throw fail("has a non-finite \(key) entry at index \(k)") }
        if let k = values.firstIndex(where: { $0 < 0 || $0 > 1 }) { throw fail("has \(key)[\(k)] = \(values[k]) outside [0, 1]") }
        for k in values.indices.dropFirst() where values[k] < values[k - 1] {
            throw fail("\(key) is non-monotonic at index \(k)")
        }
        for k in values.indices {
            if potentiating, values[k] < states[k] - 1e-12 { throw fail("\(key) lowers the state at index \(k)") }
            if !potentiating, values[k] > states[k] + 1e-12 { throw fail("\(key) raises the state at index \(k)") }
        }
    }
}
