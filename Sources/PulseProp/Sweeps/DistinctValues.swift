/// Refuses a study list that names one value twice (it would plan two runs with one id):
/// one line naming the option and the repeated value, as `show` writes it.
public func requireDistinct<Value: Hashable>(_ values: [Value], _ option: String, show: (Value) -> String) throws {
    var seen = Set<Value>()
    for value in values where !seen.insert(value).inserted {
        throw ParameterError(option, "lists \(show(value)) twice; give each value once")
    }
}

extension Array where Element: Hashable & CustomStringConvertible {
    /// ``requireDistinct(_:_:show:)`` with the values' own descriptions.
    func requireDistinct(_ option: String) throws {
        try PulseProp.requireDistinct(self, option) { $0.description }
    }
}
