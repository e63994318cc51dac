import Foundation

extension MemristorParameters {
    /// Reads and validates a device-parameter JSON file (`--device`): an object of
    /// ``MemristorParameters`` keys in snake_case.
    public static func load(path: String) throws -> MemristorParameters {
        try decode(InputFile.data(atPath: path), name: path)
    }

    /// Decodes and validates device-parameter JSON read from the file `name`.
    public static func decode(_ data: Data, name: String) throws -> MemristorParameters {
        let parameters: MemristorParameters
        do {
            parameters = try SnakeCaseJSON.decode(MemristorParameters.self, from: data)
        } catch {
            throw DataError(name, "is not a device-parameter JSON file: \(SnakeCaseJSON.reason(error))")
        }
        try parameters.validate()
        return parameters
    }
}
