import PulseProp

/// Refuses a non-finite value of any of `options` (CLI name, value) with one line naming the
/// option: ArgumentParser reads `inf` and `nan` as numbers, and no option means either.
/// Option groups call it from `validate()`, so it runs before anything else.
func requireFinite(_ options: KeyValuePairs<String, Double?>) throws {
    for case let (name, value?) in options where !value.isFinite {
        throw ParameterError(name, "must be a finite number, got \(value)")
    }
}
