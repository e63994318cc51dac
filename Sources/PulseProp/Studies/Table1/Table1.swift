import Foundation

/// Table 1 of Negrov et al. (2017): MNIST test error after 50 epochs of the [784-110-10]
/// network, mean ± std over 10 trials, for 3 signal resolutions × 4 rules.
public enum Table1 {
    /// One cell of the table: a rule at a resolution.
    public struct Cell: Hashable, Sendable {
        /// Pulse levels (0 = continuous).
        public let levels: Int
        /// Error feedback.
        public let feedback: FeedbackKind
        /// Update rule.
        public let method: UpdateMethod

        /// The training configuration of this cell (other fields at the paper's defaults).
        public var configuration: BackpropConfiguration {
            var c = BackpropConfiguration()
            c.levels = levels
            c.feedback = feedback
            c.method = method
            return c
        }

        /// Row label: `continuous`, `100 pulses`, `20 pulses`.
        public var rowLabel: String { levels == 0 ? "continuous" : "\(levels) pulses" }
        /// Column label, e.g. `transposed absmin`.
        public var columnLabel: String { "\(feedback.rawValue) \(method.rawValue)" }
    }

    /// Resolutions in the paper's row order.
    public static let levels = [0, 100, 20]
    /// Rules in the paper's column order.
    public static let rules: [(FeedbackKind, UpdateMethod)] = [
        (.transposed, .times), (.transposed, .absmin), (.const, .times), (.const, .absmin),
    ]
    /// All twelve cells, row by row.
    public static let cells: [Cell] = levels.flatMap { l in rules.map { Cell(levels: l, feedback: $0.0, method: $0.1) } }

    /// The paper's test errors in percent, mean and std.
    public static let paper: [Cell: (mean: Double, std: Double)] = {
        let values: [[(Double, Double)]] = [
            [(1.8, 0.1), (2.4, 0.1), (2.9, 0.1), (16.0, 2.7)],
            [(2.3, 0.3), (2.7, 0.1), (23.3, 7.8), (11.5, 0.8)],
            [(8.6, 0.4), (11.4, 2.0), (16.7, 0.9), (36.0, 3.7)],
        ]
        var table: [Cell: (Double, Double)] = [:]
        for (r, l) in levels.enumerated() {
            for (c, rule) in rules.enumerated() { table[Cell(levels: l, feedback: rule.0, method: rule.1)] = values[r][c] }
        }
        return table
    }()

    /// Mean and sample standard deviation; nil for no values (a cell with no finished trial
    /// shows "—", never `nan`).
    public static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double)? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }

    /// `2.01 ± 0.10 % (n=10)` of final test errors (fractions); `— (n=0)` when there are none.
    private static func summary(_ errors: [Double]) -> String {
        guard let ours = meanAndStd(errors.map { $0 * 100 }) else { return "— (n=0)" }
        return String(format: "%.2f ± %.2f %% (n=%d)", ours.mean, ours.std, errors.count)
    }

    /// Markdown table of ours (mean ± std over trials, percent) beside the paper's numbers.
    public static func markdown(results: [Cell: [Double]], epochs: Int) -> String {
        var out = "| test error after \(epochs) epochs | " + rules.map { "\($0.0.rawValue) \($0.1.rawValue)" }.joined(separator: " | ") + " |\n"
        out += "|---|" + String(repeating: "---|", count: rules.count) + "\n"
        for l in levels {
            let cells = rules.map { Cell(levels: l, feedback: $0.0, method: $0.1) }
            out += "| \(cells[0].rowLabel) | " + cells.map { cell in
                let paper = self.paper[cell]!
                return summary(results[cell] ?? []) + String(format: " · paper %.1f ± %.1f %%", paper.mean, paper.std)
            }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// CSV: `levels,feedback,method,trials,mean_test_error_percent,std_test_error_percent,paper_mean_percent,paper_std_percent`
    /// (mean and std empty for a cell with no finished trial).
    public static func csv(results: [Cell: [Double]]) throws -> String {
        var table = CSVTable(header: [
            "levels", "feedback", "method", "trials", "mean_test_error_percent", "std_test_error_percent",
            "paper_mean_percent", "paper_std_percent",
        ])
        for cell in cells {
            let values = (results[cell] ?? []).map { $0 * 100 }
            let ours = meanAndStd(values).map { ("\($0.mean)", "\($0.std)") } ?? ("", "")
            let paper = self.paper[cell]!
            table.append([
                cell.levels, cell.feedback.rawValue, cell.method.rawValue, values.count, ours.0, ours.1, paper.mean,
                paper.std,
            ])
        }
        return try table.text()
    }

    /// One column of a comparison: the results of one variant of the rules (e.g. a quantisation).
    public struct Variant: Sendable {
        /// Column name, e.g. `separate`.
        public var label: String
        /// Final test errors (fractions) per cell.
        public var results: [Cell: [Double]]

        /// A named column of results.
        public init(label: String, results: [Cell: [Double]]) {
            self.label = label
            self.results = results
        }
    }

    /// Markdown table with one row per cell of `levels` and one column per variant (mean ± std
    /// over trials, percent, and n), then the paper's.
    public static func comparisonMarkdown(_ variants: [Variant], epochs: Int, levels: [Int] = levels) -> String {
        var out = "| test error after \(epochs) epochs | " + variants.map(\.label).joined(separator: " | ") + " | paper |\n"
        out += "|---|" + String(repeating: "---|", count: variants.count + 1) + "\n"
        for cell in cells where levels.contains(cell.levels) {
            let columns = variants.map { summary($0.results[cell] ?? []) }
            let paper = self.paper[cell]!
            out += "| \(cell.rowLabel), \(cell.columnLabel) | " + columns.joined(separator: " | ")
                + String(format: " | %.1f ± %.1f %% |\n", paper.mean, paper.std)
        }
        return out
    }

    /// CSV with the variants side by side: `levels,feedback,method`, then per variant
    /// `<label>_trials,<label>_mean_test_error_percent,<label>_std_test_error_percent`, then
    /// `paper_mean_percent,paper_std_percent` (mean and std empty where a variant has no trial).
    public static func comparisonCSV(_ variants: [Variant], levels: [Int] = levels) throws -> String {
        var table = CSVTable(
            header: ["levels", "feedback", "method"]
                + variants.flatMap { ["\($0.label)_trials", "\($0.label)_mean_test_error_percent", "\($0.label)_std_test_error_percent"] }
                + ["paper_mean_percent", "paper_std_percent"])
        for cell in cells where levels.contains(cell.levels) {
            var fields: [CustomStringConvertible] = [cell.levels, cell.feedback.rawValue, cell.method.rawValue]
            for variant in variants {
                let values = (variant.results[cell] ?? []).map { $0 * 100 }
                let ours = meanAndStd(values).map { ("\($0.mean)", "\($0.std)") } ?? ("", "")
                fields += [values.count, ours.0, ours.1]
            }
            let paper = self.paper[cell]!
            table.append(fields + [paper.mean, paper.std])
        }
        return try table.text()
    }

    /// Fig. 6-style plot for one resolution: mean test error against epoch for the four rules.
    public static func curves(histories: [Cell: [[BackpropEpoch]]], levels: Int) -> String {
        let series = rules.map { rule -> SVGPlot.Series in
            let cell = Cell(levels: levels, feedback: rule.0, method: rule.1)
            let runs = histories[cell] ?? []
            let epochs = runs.map(\.count).min() ?? 0
            let points = (0..<epochs).map { e in
                (Double(e + 1), meanAndStd(runs.map { 100 * $0[e].testError })!.mean)
            }
            return SVGPlot.Series(label: cell.columnLabel, points: points)
        }
        var plot = SVGPlot(
            title: "MNIST test error, \(levels == 0 ? "continuous" : "\(levels) pulses") (mean over trials)",
            xLabel: "epoch", yLabel: "test error (%)", series: series)
        plot.logY = true
        return plot.render()
    }
}
