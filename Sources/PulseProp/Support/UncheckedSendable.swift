/// Wraps a value whose concurrent use is made safe by construction (disjoint indices).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
