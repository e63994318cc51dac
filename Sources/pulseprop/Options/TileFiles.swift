import Foundation
import PulseProp

/// Where the netlists of a tiled layer go (`netlist -o`, `simulate --netlist-out`): one file
/// per tile beside the path given.
enum TileFiles {
    /// Where `tile`'s netlist goes: `output` itself untiled, else `<name>-<tile>.<extension>`
    /// beside it (`step.cir` → `step-r0c0.cir`, `step-r0c1.cir`, …): every tile a complete
    /// netlist of its own crossbar that ngspice (or VACASK) runs unchanged.
    static func path(of tile: CrossbarTile, output: String, tiles: Int) -> String {
        guard tiles > 1 else { return output }
        let url = URL(fileURLWithPath: output)
        let stem = url.deletingPathExtension().lastPathComponent + "-" + tile.name
        let name = url.pathExtension.isEmpty ? stem : stem + "." + url.pathExtension
        return ((output as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
    }

    /// Refuses standard output for more than one tile (each tile is a netlist of its own).
    static func requireFile(_ output: String, option: String, tiles: Int) throws {
        try require(
            tiles == 1 || !AtomicFile.isStandardOutput(output), option,
            "a tiled layer is written as one netlist per tile (\(tiles) here): give a file name, not '-'")
    }
}
