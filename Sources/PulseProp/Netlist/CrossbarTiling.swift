/// How a layer's R×C weight matrix is laid out on crossbars: one array holding the whole layer
/// (untiled, the default), or several arrays of at most ``rows`` × ``cols`` devices each
/// (`--tile-rows`, `--tile-cols`), whose column currents are sensed per tile and added
/// digitally.
///
/// Every tile is its own crossbar: its own row and column drivers (a layer's row signal drives
/// the same row of every tile in that row band), its own wires, its own sense amplifiers and,
/// in a read, its own reference column. Tiles are cut from the top-left: `rows` rows per band,
/// the last band holding what is left (785 rows at 256: 256, 256, 256, 17); columns alike. A
/// layer smaller than a tile size is one tile in that direction.
///
/// With ideal wires a tile's devices see exactly what they see in the whole array, so tiling
/// changes no result; with wires each tile's lines are shorter, which is the point.
public struct CrossbarTiling: Codable, Equatable, Sendable {
    /// Rows per tile at most (nil: the layer's rows).
    public var rows: Int?
    /// Columns per tile at most (nil: the layer's columns).
    public var cols: Int?

    /// Creates a tiling; nil sizes leave that direction untiled.
    public init(rows: Int? = nil, cols: Int? = nil) {
        self.rows = rows
        self.cols = cols
    }

    /// One crossbar per layer.
    public static let whole = CrossbarTiling()

    /// True when neither size is set.
    public var isWhole: Bool { rows == nil && cols == nil }

    /// Refuses a tile size below 1, whatever the layer.
    public func validate() throws {
        for (option, size) in [("tile-rows", rows), ("tile-cols", cols)] {
            if let size { try require(size >= 1, option, "a tile must have at least 1 device a side, got \(size)") }
        }
    }

    /// Refuses a tile size of 0 or larger than the `layerRows × layerCols` layer (`layer` says
    /// which: for a network, its largest layer in each direction, a smaller layer being one tile
    /// in that direction).
    public func validate(layerRows: Int, layerCols: Int, layer: String = "the layer") throws {
        try validate()
        if let rows {
            try require(rows <= layerRows, "tile-rows", "\(rows) is larger than \(layer)'s \(layerRows) rows")
        }
        if let cols {
            try require(cols <= layerCols, "tile-cols", "\(cols) is larger than \(layer)'s \(layerCols) columns")
        }
    }

    /// Refuses a tile size of 0 or larger than every crossbar of `layers` (each `rows × cols`)
    /// in its direction.
    public func validate(layers: [Matrix<Double>]) throws {
        guard let rows = layers.map(\.rows).max(), let cols = layers.map(\.cols).max() else { return }
        try validate(layerRows: rows, layerCols: cols, layer: layers.count == 1 ? "the layer" : "the largest layer")
    }

    /// The tiles of a `rows × cols` layer, row band after row band, left to right: every
    /// device lies in exactly one.
    public func tiles(rows layerRows: Int, cols layerCols: Int) -> [CrossbarTile] {
        let rowBands = Self.bands(layerRows, size: rows)
        let colBands = Self.bands(layerCols, size: cols)
        return rowBands.enumerated().flatMap { r, rowRange in
            colBands.enumerated().map { c, colRange in CrossbarTile(rows: rowRange, cols: colRange, band: r, column: c) }
        }
    }

    /// `0..<count` cut into ranges of `size` (the last shorter); one range when `size` is nil or
    /// at least `count`.
    private static func bands(_ count: Int, size: Int?) -> [Range<Int>] {
        let size = max(1, min(size ?? count, count))
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}

/// One tile of a layer: the layer's rows `rows` and columns `cols` on a crossbar of their own.
public struct CrossbarTile: Equatable, Hashable, Sendable {
    /// The layer's rows and columns this tile holds.
    public let rows: Range<Int>
    public let cols: Range<Int>
    /// Its row band and column band (from 0), for names: tile `r<band>c<column>`.
    public let band: Int
    public let column: Int

    /// The tile's name in files and messages, `r<band>c<column>`.
    public var name: String { "r\(band)c\(column)" }

    /// What a title or message says of it: `tile r0c1 (rows 0–63, columns 64–127)`.
    public var label: String {
        "tile \(name) (rows \(rows.lowerBound)–\(rows.upperBound - 1), columns \(cols.lowerBound)–\(cols.upperBound - 1))"
    }
}

extension Matrix {
    /// The block of the tile's rows and columns (this matrix itself, uncopied, when the tile
    /// is all of it).
    public func block(_ tile: CrossbarTile) -> Matrix {
        if tile.rows == 0..<rows && tile.cols == 0..<cols { return self }
        return Matrix(rows: tile.rows.count, cols: tile.cols.count) { self[tile.rows.lowerBound + $0, tile.cols.lowerBound + $1] }
    }

    /// Writes `block` at the tile's rows and columns.
    public mutating func setBlock(_ block: Matrix, at tile: CrossbarTile) {
        for i in 0..<block.rows {
            for j in 0..<block.cols { self[tile.rows.lowerBound + i, tile.cols.lowerBound + j] = block[i, j] }
        }
    }
}

extension LearningStep {
    /// The step a tile's own drivers apply: its rows' and columns' counts, the same phase length.
    public func tile(_ tile: CrossbarTile) throws -> LearningStep {
        try LearningStep(
            rowCounts: Array(rowCounts[tile.rows]), columnCounts: Array(columnCounts[tile.cols]),
            slotsPerPhase: slotsPerPhase, only: only)
    }
}

extension LineDrive {
    /// The drive of a tile's own drivers: its rows' and columns' sources.
    public func tile(_ tile: CrossbarTile) -> LineDrive {
        LineDrive(rows: Array(rows[tile.rows]), columns: Array(columns[tile.cols]))
    }
}
