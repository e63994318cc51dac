import ArgumentParser

/// The MNIST training runs of a device study's cells (`reproduce devices`, `reproduce wires`
/// and their `sweep plan`s): data, seeds, epochs, levels and the quick-look limits.
struct MNISTStudyRunOptions: ParsableArguments {
    @Option(help: "Folder with the MNIST IDX files.")
    var data: String

    @Option(help: "Trials (seeds 1…trials) per cell.")
    var trials: Int = 3

    @Option(help: "Epochs per trial.")
    var epochs: Int = 20

    @Option(help: "Pulse levels of the encoding.")
    var levels: Int = 20

    @Option(help: "Train on the first N training examples only (a quick look).")
    var trainLimit: Int?

    @Option(help: "Test on the first N test examples only.")
    var testLimit: Int?
}
