/// Seeded random mutations of a corpus, in the manner of libFuzzer's mutators: bit flips,
/// byte changes, inserted or deleted runs, "interesting" integers (0, 0xFF…, 0x7F…, 0x80…)
/// written over 1, 2 or 4 bytes, digits and CSV/JSON punctuation, and splices of two inputs.
/// The same seed gives the same inputs.
struct Mutator {
    private let corpus: [[UInt8]]
    private var state: UInt64

    /// A mutator of `corpus` (not empty) drawing from `seed`.
    init(corpus: [[UInt8]], seed: UInt64) {
        self.corpus = corpus
        state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    /// SplitMix64.
    private mutating func random(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(bound, 1)))
    }

    private static let interesting: [[UInt8]] = [
        [0], [0xFF], [0x7F], [0x80], [0, 0], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF],
        [0x80, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1],
    ]
    private static let tokens: [[UInt8]] = ["0", "-1", "1e308", "-1e308", "nan", "inf", "9999999999999999999", ",", "\n", "\"", "{", "}", "[", "]", ":", "null", "potentiation", "depression", ".", "-"].map { Array($0.utf8) }

    /// The next mutated input: a corpus entry with one to four mutations.
    mutating func next() -> [UInt8] {
        var bytes = corpus[random(corpus.count)]
        for _ in 0...random(4) {
            let at = random(bytes.count + 1)
            switch random(7) {
            case 0 where !bytes.isEmpty: bytes[at % bytes.count] ^= UInt8(1 << random(8))
            case 1 where !bytes.isEmpty: bytes[at % bytes.count] = UInt8(random(256))
            case 2 where !bytes.isEmpty: bytes.removeSubrange(at % bytes.count..<min(bytes.count, at % bytes.count + 1 + random(16)))
            case 3:
                let value = Self.interesting[random(Self.interesting.count)]
                let end = min(bytes.count, at + value.count)
                bytes.replaceSubrange(at..<end, with: value)
            case 4: bytes.insert(contentsOf: Self.tokens[random(Self.tokens.count)], at: at)
            case 5 where !bytes.isEmpty:
                let start = random(bytes.count)
                let chunk = bytes[start..<min(bytes.count, start + 1 + random(64))]
                bytes.insert(contentsOf: chunk, at: at)
            default:
                let other = corpus[random(corpus.count)]
                let cut = random(other.count + 1)
                bytes = Array(bytes[..<min(at, bytes.count)]) + other[cut...]
            }
        }
        return bytes
    }
}
