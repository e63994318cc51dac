extension Double {
    /// Whole numbers without a decimal point (`5`), others in Swift's shortest round-trip form
    /// (`0.5`, `1e-06`): for run ids, arguments and table labels built from resistances.
    var shortDecimal: String {
        rounded() == self && abs(self) < 1e15 ? String(Int64(self)) : "\(self)"
    }
}
