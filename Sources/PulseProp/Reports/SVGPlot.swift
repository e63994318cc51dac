import Foundation

/// A self-contained SVG line or scatter chart: axes with ticks, labelled series, a legend.
public struct SVGPlot {
    /// One series of points.
    public struct Series {
        /// Legend label.
        public var label: String
        /// Points `(x, y)`.
        public var points: [(x: Double, y: Double)]
        /// Draw markers only (a scatter) instead of a line (lines of up to 30 points get markers too).
        public var scatter: Bool

        /// Creates a series.
        public init(label: String, points: [(x: Double, y: Double)], scatter: Bool = false) {
            self.label = label
            self.points = points
            self.scatter = scatter
        }
    }

    /// Chart title.
    public var title: String
    /// X-axis label.
    public var xLabel: String
    /// Y-axis label.
    public var yLabel: String
    /// The series, drawn in order with the palette's colours.
    public var series: [Series]
    /// Plot the y axis on a log scale (non-positive values are dropped).
    public var logY = false
    /// Also draw the diagonal `y = x` (for agreement scatters).
    public var diagonal = false
    /// Width and height in pixels.
    public var size = (width: 640.0, height: 400.0)

    /// Creates a chart.
    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"]

    /// The chart as SVG text.
    public func render() -> String {
        let (w, h) = size
        let (left, right, top, bottom) = (70.0, 20.0 + (series.count > 1 ? 170.0 : 0), 36.0, 50.0)
        let ty: (Double) -> Double = logY ? { log10($0) } : { $0 }
        let all = series.flatMap(\.points).filter { !logY || $0.y > 0 }
        var (x0, x1) = (all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        var (y0, y1) = (all.map { ty($0.y) }.min() ?? 0, all.map { ty($0.y) }.max() ?? 1)
        if diagonal { (x0, x1, y0, y1) = (min(x0, y0), max(x1, y1), min(x0, y0), max(x1, y1)) }
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y1 = y0 + (y0 == 0 ? 1 : abs(y0) * 0.1) }
        let pad = (y1 - y0) * 0.05
        (y0, y1) = (y0 - pad, y1 + pad)
        let px = { (x: Double) in left + (x - x0) / (x1 - x0) * (w - left - right) }
        let py = { (y: Double) in h - bottom - (ty(y) - y0) / (y1 - y0) * (h - top - bottom) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        func fmt(_ v: Double) -> String { String(format: "%.4g", v) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(w / 2)" y="20" text-anchor="middle" font-size="14">\(esc(title))</text>
            <line x1="\(left)" y1="\(h - bottom)" x2="\(w - right)" y2="\(h - bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(h - bottom)" stroke="black"/>

            """
        for xv in Self.ticks(x0, x1) {
            svg += "<line x1=\"\(px(xv))\" y1=\"\(h - bottom)\" x2=\"\(px(xv))\" y2=\"\(h - bottom + 5)\" stroke=\"black\"/>"
            svg += "<text x=\"\(px(xv))\" y=\"\(h - bottom + 18)\" text-anchor=\"middle\">\(fmt(xv))</text>\n"
        }
        let yTicks = logY ? Self.logTicks(pow(10, y0), pow(10, y1)) : Self.ticks(y0, y1)
        for yv in yTicks {
            let yp = py(yv)
            svg += "<line x1=\"\(left - 5)\" y1=\"\(yp)\" x2=\"\(left)\" y2=\"\(yp)\" stroke=\"black\"/>"
            svg += "<line x1=\"\(left)\" y1=\"\(yp)\" x2=\"\(w - right)\" y2=\"\(yp)\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(left - 8)\" y=\"\(yp + 4)\" text-anchor=\"end\">\(fmt(yv))</text>\n"
        }
        svg += "<text x=\"\((left + w - right) / 2)\" y=\"\(h - 12)\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        svg += "<text transform=\"translate(16,\((top + h - bottom) / 2)) rotate(-90)\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        if diagonal {
            svg += "<line x1=\"\(px(x0))\" y1=\"\(py(logY ? pow(10, x0) : x0))\" x2=\"\(px(x1))\" y2=\"\(py(logY ? pow(10, x1) : x1))\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
        }
        for (k, s) in series.enumerated() {
            let colour = Self.palette[k % Self.palette.count]
            let points = s.points.filter { !logY || $0.y > 0 }
            if s.scatter || points.count <= 30 {
                for p in points {
                    svg += "<circle cx=\"\(px(p.x))\" cy=\"\(py(p.y))\" r=\"2.5\" fill=\"\(colour)\" fill-opacity=\"0.6\"/>"
                }
                svg += "\n"
            }
            if !s.scatter && !points.isEmpty {
                let path = points.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\" points=\"\(path)\"/>\n"
            }
            if series.count > 1 {
                let ly = top + 16 * Double(k)
                svg += "<rect x=\"\(w - right + 10)\" y=\"\(ly)\" width=\"12\" height=\"10\" fill=\"\(colour)\"/>"
                svg += "<text x=\"\(w - right + 27)\" y=\"\(ly + 9)\">\(esc(s.label))</text>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// Round tick values inside `[lo, hi]`: multiples of 1, 2 or 5 × 10ⁿ, about five of them.
    static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = (lo / step).rounded(.up)
        let count = Int(((hi / step).rounded(.down) - first).rounded()) + 1
        return (0..<max(count, 0)).map { (first + Double($0)) * step }.map { abs($0) < step * 1e-9 ? 0 : $0 }
    }

    /// Tick values `1, 2, 5 × 10ⁿ` inside `[lo, hi]` for a log axis (evenly spaced in log when
    /// fewer than two of them fall inside).
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let decades = Int(floor(log10(lo)))...Int(ceil(log10(hi)))
        let round = decades.flatMap { d in [1.0, 2, 5].map { $0 * pow(10, Double(d)) } }.filter { $0 >= lo && $0 <= hi }
        if round.count >= 2 { return round }
        return (0...5).map { lo * pow(hi / lo, Double($0) / 5) }
    }
}
