import ArgumentParser
import PulseProp

/// Options of the wires study (`reproduce wires`, `sweep plan wires`).
struct WiresStudyOptions: ParsableArguments {
    @OptionGroup var runs: MNISTStudyRunOptions

    @Option(help: "Learning rate eta of every cell (--device-eta).")
    var eta: Double = 1e-4

    @Option(help: "Comma-separated device presets (default: linear, the ideal device, and taox-hfox; see 'pulseprop devices').")
    var devices = "linear,taox-hfox"

    @Option(help: "Comma-separated wire segment resistances, ohm (0: the ideal-wire baseline).")
    var resistances = "0,0.5,1,2,5,10"

    @Option(help: "Comma-separated rows per tile, 'whole' for the whole layer on one crossbar.")
    var tileRows = "128,256,whole"

    @Option(help: "Comma-separated paths through the wires at non-zero resistance: write (wired write, ideal read), both (wired write and --wired-read).")
    var paths = "write,both"

    @Option(help: "How the pairs are written: per-example, per-batch or accumulate (train --write).")
    var write = DeviceWrite.perExample.rawValue

    /// The study's options, validated, with the data folder checked (and every tile no taller
    /// than the first layer) before any run starts.
    func study() throws -> WiresStudy.Options {
        try requireFinite(["eta": eta])
        let tiles = try tileRows.split(separator: ",").map { entry -> Int? in
            let spelled = entry.trimmingCharacters(in: .whitespaces)
            if spelled == "whole" { return nil }
            guard let rows = Int(spelled) else { throw ParameterError("tile-rows", "'\(spelled)' is not a whole number or 'whole'") }
            return rows
        }
        let routes = try paths.split(separator: ",").map { entry in
            let spelled = entry.trimmingCharacters(in: .whitespaces)
            guard let route = WiresReport.Paths(rawValue: spelled) else { throw ParameterError("paths", "'\(spelled)' is not write or both") }
            return route
        }
        guard let scheme = DeviceWrite(rawValue: write) else {
            throw ParameterError("write", "'\(write)' is not per-example, per-batch or accumulate")
        }
        let options = WiresStudy.Options(
            data: runs.data, trials: runs.trials, epochs: runs.epochs, levels: runs.levels, eta: eta,
            devices: devices.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            resistances: try numberList(resistances, name: "resistances"), tileRows: tiles, paths: routes,
            write: scheme, trainLimit: runs.trainLimit, testLimit: runs.testLimit)
        try options.validate()
        let layerRows = try Dataset.mnist(directory: options.data).train.features + 1
        for rows in tiles.compactMap({ $0 }) where rows > layerRows {
            throw ParameterError("tile-rows", "\(rows) rows is more than the first layer's \(layerRows) (inputs and bias)")
        }
        return options
    }
}
