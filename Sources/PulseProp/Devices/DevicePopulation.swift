import Foundation

/// One device of a crossbar as drawn by ``DeviceVariation``: the nominal device's equations
/// with its own rates and conductances, or a stuck device.
public struct DeviceInstance: Equatable, Sendable {
    /// This device's threshold-family parameters (rates 0 when stuck).
    public let parameters: ThresholdDevice
    /// Its SET and RESET rates over the nominal ones.
    public let setRateFactor: Double
    public let resetRateFactor: Double
    /// The state a stuck device is held at (1 stuck ON, 0 stuck OFF), or nil.
    public let stuckState: Double?

    /// This device's state after a pulse train from `x`, given the state `nominalState` the
    /// nominal device `nominal` reaches from `x` under the same train.
    ///
    /// In the threshold family a train delivers a dose `Φ` (``ThresholdWindow``); this device
    /// receives `f·Φ` (`f` its rate factor) through the same window, so
    /// `d' = distance(after: f·dose(d → d_nominal), from: d)` with `d` the distance to the
    /// bound. A stuck device does not move.
    public func state(afterNominal nominalState: Double, from x: Double, potentiating: Bool, nominal: ThresholdDevice) -> Double {
        if stuckState != nil { return x }
        return nominal.state(
            scalingDoseBy: potentiating ? setRateFactor : resetRateFactor, from: x, to: nominalState,
            potentiating: potentiating)
    }

    /// This device with both switching rates scaled by `factor` (one step's cycle-to-cycle
    /// factor: only the polarity of the phase that writes it acts in a step).
    func scalingRates(by factor: Double) -> DeviceInstance {
        var device = parameters
        device.setRate *= factor
        device.resetRate *= factor
        return DeviceInstance(
            parameters: device, setRateFactor: setRateFactor * factor, resetRateFactor: resetRateFactor * factor,
            stuckState: stuckState)
    }

    /// `G(x) = G_off + (G_on − G_off)·x` with this device's conductances, siemens.
    @inlinable
    public func conductance(state x: Double) -> Double {
        parameters.offConductance + (parameters.onConductance - parameters.offConductance) * x
    }
}

/// Every device of an R×C crossbar of `device` under `variation`: what both engines, the
/// netlists and the read path take per device, so SPICE and the analytic engine simulate the
/// same devices.
public struct DevicePopulation: Sendable {
    /// The nominal device.
    public let nominal: ThresholdDevice
    /// The variation drawn.
    public let variation: DeviceVariation
    /// Crossbar size.
    public let rows: Int
    public let cols: Int
    /// Per-device values, or nil when there is no variation (every device is `nominal`).
    public let instances: Matrix<DeviceInstance>?
    /// The stuck devices, row-major positions and the states they are held at (empty without
    /// variation): what ``pin(_:)`` sets, without a pass over the crossbar.
    public let stuck: [(position: Int, state: Double)]

    /// Draws the devices of a `rows × cols` crossbar.
    public init(device: Device, variation: DeviceVariation, rows: Int, cols: Int) {
        nominal = device.switching
        self.variation = variation
        (self.rows, self.cols) = (rows, cols)
        if variation.isNone {
            instances = nil
        } else {
            let nominal = nominal
            instances = Matrix(rows: rows, cols: cols) { Self.draw(nominal, variation, row: $0, col: $1) }
        }
        stuck = Self.stuckDevices(instances)
    }

    private init(nominal: ThresholdDevice, variation: DeviceVariation, instances: Matrix<DeviceInstance>) {
        self.nominal = nominal
        self.variation = variation
        (rows, cols) = (instances.rows, instances.cols)
        self.instances = instances
        stuck = Self.stuckDevices(instances)
    }

    /// The stuck devices of `instances` in row-major order.
    private static func stuckDevices(_ instances: Matrix<DeviceInstance>?) -> [(position: Int, state: Double)] {
        guard let instances else { return [] }
        return instances.elements.enumerated().compactMap { k, device in device.stuckState.map { (k, $0) } }
    }

    /// This population for one step whose devices' switching doses are scaled by `factors`
    /// (cycle-to-cycle noise; ``CycleToCycleNoise``): every device gets its own rates.
    public func scalingRates(by factors: Matrix<Double>) -> DevicePopulation {
        let nominalInstance = DeviceInstance(parameters: nominal, setRateFactor: 1, resetRateFactor: 1, stuckState: nil)
        return DevicePopulation(
            nominal: nominal, variation: variation,
            instances: Matrix(rows: rows, cols: cols) { (instance($0, $1) ?? nominalInstance).scalingRates(by: factors[$0, $1]) })
    }

    /// The devices of `tile`, as a crossbar of its own (each keeps its draw in the layer).
    public func tile(_ tile: CrossbarTile) -> DevicePopulation {
        if tile.rows == 0..<rows && tile.cols == 0..<cols { return self }
        guard let instances else {
            return DevicePopulation(device: .threshold(nominal), variation: variation, rows: tile.rows.count, cols: tile.cols.count)
        }
        return DevicePopulation(nominal: nominal, variation: variation, instances: instances.block(tile))
    }

    /// Device `(i, j)`, or nil when it is the nominal device.
    @inlinable
    public func instance(_ i: Int, _ j: Int) -> DeviceInstance? { instances?[i, j] }

    /// The state device `(i, j)` reaches from `x` under the train that takes the nominal device
    /// to `nominalState`: its own response under variation
    /// (``DeviceInstance/state(afterNominal:from:potentiating:nominal:)``), then its dose scaled
    /// by the cycle-to-cycle factor `noise` when there is one. What every analytic engine does
    /// per device once the nominal response is known.
    public func state(
        afterNominal nominalState: Double, from x: Double, row i: Int, col j: Int, potentiating: Bool, noise: Double? = nil
    ) -> Double {
        var next = nominalState
        if let instances {
            next = instances[i, j].state(afterNominal: next, from: x, potentiating: potentiating, nominal: nominal)
        }
        if let noise {
            next = nominal.state(scalingDoseBy: noise, from: x, to: next, potentiating: potentiating)
        }
        return next
    }

    /// `G` of device `(i, j)` at state `x`, siemens.
    public func conductance(state x: Double, row i: Int, col j: Int) -> Double {
        instance(i, j)?.conductance(state: x)
            ?? nominal.offConductance + (nominal.onConductance - nominal.offConductance) * x
    }

    /// Every device's conductance at `states` (stuck devices at their stuck states), siemens:
    /// what a wired network (``CrossbarNetwork``) is built from.
    public func conductances(_ states: Matrix<Double>) -> Matrix<Double> {
        let held = pinned(states)
        return Matrix(rows: states.rows, cols: states.cols) { conductance(state: held[$0, $1], row: $0, col: $1) }
    }

    /// `states` with every stuck device at the state it is held at.
    public func pinned(_ states: Matrix<Double>) -> Matrix<Double> {
        var out = states
        pin(&out)
        return out
    }

    /// Sets the stuck devices of `states` to their stuck states, in place (nothing to do, and
    /// no copy, without stuck devices); returns whether any state changed.
    @discardableResult
    public func pin(_ states: inout Matrix<Double>) -> Bool {
        var changed = false
        for (k, s) in stuck where states.elements[k] != s {
            states.elements[k] = s
            changed = true
        }
        return changed
    }

    /// The draw of device `(row, col)`: its own SplitMix64 stream from the seed and position.
    static func draw(_ nominal: ThresholdDevice, _ variation: DeviceVariation, row: Int, col: Int) -> DeviceInstance {
        var mixer = SeededGenerator(seed: variation.seed ^ (UInt64(row) << 32 | UInt64(col)))
        var generator = SeededGenerator(seed: mixer.next())
        let u = Double.random(in: 0..<1, using: &generator)
        var device = nominal
        if u < variation.stuckOn + variation.stuckOff {
            device.setRate = 0
            device.resetRate = 0
            return DeviceInstance(parameters: device, setRateFactor: 0, resetRateFactor: 0, stuckState: u < variation.stuckOn ? 1 : 0)
        }
        func factor() -> Double {
            // Box–Muller: one standard normal from two uniforms.
            let (u1, u2) = (Double.random(in: Double.ulpOfOne..<1, using: &generator), Double.random(in: 0..<1, using: &generator))
            return exp(variation.d2d * sqrt(-2 * log(u1)) * cos(2 * .pi * u2))
        }
        let (set, reset) = (factor(), factor())
        device.setRate *= set
        device.resetRate *= reset
        repeat {
            device.onConductance = nominal.onConductance * factor()
            device.offConductance = nominal.offConductance * factor()
        } while device.onConductance <= device.offConductance
        return DeviceInstance(parameters: device, setRateFactor: set, resetRateFactor: reset, stuckState: nil)
    }
}
