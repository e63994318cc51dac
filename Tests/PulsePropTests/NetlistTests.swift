import XCTest

@testable import PulseProp

final class NetlistTests: XCTestCase {
    func netlist(_ wiring: CrossbarWiring = .ideal, dialect: SpiceDialect = .ngspice) throws -> CrossbarNetlist {
        let step = try TestSupport.step(rows: [2, 0, 1], cols: [-1, 2])
        return try CrossbarNetlist(
            circuit: CrossbarCircuit(wiring: wiring), step: step,
            states: Matrix(rows: 3, cols: 2) { i, j in 0.1 * Double(i + j) }, dialect: dialect)
    }

    func lines(_ text: String, prefix: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
    }

    func testIdealCrossbarNamesAndInitialStates() throws {
        let text = try netlist().text
        XCTAssertTrue(text.contains("x2_1 r2 c1 pp_memristor x0=0.30000000000000004"))
        XCTAssertTrue(text.contains(".save v(x0_0.s)"))
        XCTAssertEqual(lines(text, prefix: "vr").count, 3)
        XCTAssertEqual(lines(text, prefix: "vc").count, 2)
        XCTAssertTrue((lines(text, prefix: "rd") + lines(text, prefix: "rw")).isEmpty, "ideal wires need no resistors")
        // The transient ends a thousandth of a period after the last phase (ngspice 46 keeps its
        // last interpolated sample then).
        XCTAssertTrue(text.contains(".tran 2u 8.002u 0 2u uic"), text)
    }

    func testWireAndDriverResistors() throws {
        let text = try netlist(CrossbarWiring(segmentResistance: 2.5, driverResistance: 50)).text
        // 3 + 2 drivers, 3·2 row segments and 2·3 column segments.
        XCTAssertEqual(lines(text, prefix: "rd").count, 5)
        XCTAssertEqual(lines(text, prefix: "rw").count, 12)
        XCTAssertTrue(text.contains("rdr0 r0 r0_in 50.0"))
        XCTAssertTrue(text.contains("rwr0_0 r0_in r0_0 2.5"))
        XCTAssertTrue(text.contains("rwc1_2 c1_1 c1_2 2.5"))
        XCTAssertTrue(text.contains("x2_1 r2_1 c1_2 pp_memristor"))
    }

    /// The shared library's form differs from the exported one only by the batch program's
    /// final-state report: same circuit, same analysis, same `.control` run.
    func testLibraryFormLeavesOutOnlyTheFinalStateReport() throws {
        let step = try TestSupport.step(rows: [2, 0, 1], cols: [-1, 2])
        let states = Matrix(rows: 3, cols: 2) { i, j in 0.1 * Double(i + j) }
        func text(reporting: Bool) throws -> [Substring] {
            try CrossbarNetlist(circuit: CrossbarCircuit(), step: step, states: states, reportsFinalStates: reporting)
                .text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        let exported = try text(reporting: true)
        let library = try text(reporting: false)
        let report = exported.filter {
            $0.hasPrefix("let state_") || $0.hasPrefix("print state_") || $0.contains("PULSEPROP-FINAL-STATES")
        }
        XCTAssertEqual(report.count, 6 + 1 + 2 + 1, "6 lets, one print line, two markers, one header line")
        XCTAssertEqual(library, exported.filter { !report.contains($0) })
    }

    /// Each exported dialect has the forms ``SpiceDialect`` documents, and no `.control` block.
    func testDialectsDifferWhereDocumented() throws {
        let expected: [SpiceDialect: [String]] = [
            .xyce: ["PARAMS: x0=0.30000000000000004", "I={ ", "v(x1_0:s)", ".PRINT TRAN FORMAT=CSV"],
            .ltspice: [
                ".subckt pp_memristor p n s PARAMS: x0=0.5", "x2_1 r2 c1 s2_1 pp_memristor PARAMS: x0=0.30000000000000004",
                ".meas TRAN state_x1_0 FIND V(s1_0) AT=",
            ],
            .vacask: [
                "// PulseProp 3x2 crossbar", "load \"pp_threshold_memristor.va\"", "subckt pp_memristor(p n)",
                "dev (p n s) pp_memristor_va", "x2_1 (r2 c1) pp_memristor", "save v(\"x0_0:s\")",
                "icmode=\"uic\" ic={", "\"x1_0:s\", 0.1,", "type=\"pwl\" wave=[",
            ],
        ]
        for (dialect, forms) in expected {
            let text = try netlist(dialect: dialect).text
            for form in forms { XCTAssertTrue(text.contains(form), "\(dialect): \(form)") }
            XCTAssertFalse(text.contains(".control"), "\(dialect)")
        }
    }

    /// VACASK netlists load the Verilog-A source they are given, by its file name, and list it
    /// for the export to write beside them; the other dialects load none. File names that could
    /// not stand between quotes in a `load` line, or in the netlist's folder, are refused.
    func testVACASKLoadsTheVerilogAFileItIsGiven() throws {
        let step = try TestSupport.step(rows: [2, 0, 1], cols: [-1, 2])
        let states = Matrix(rows: 3, cols: 2) { i, j in 0.1 * Double(i + j) }
        let source = try VerilogAFile(fileName: "my_device.va", text: "// a model\n")
        let netlist = try CrossbarNetlist(circuit: CrossbarCircuit(), step: step, states: states, dialect: .vacask, verilogA: source)
        XCTAssertEqual(netlist.verilogAFiles, [source])
        XCTAssertTrue(netlist.text.contains("load \"my_device.va\""), netlist.text)
        XCTAssertFalse(netlist.text.contains(OSDIModel.thresholdSource))
        XCTAssertEqual(try self.netlist(dialect: .vacask).verilogAFiles, [.threshold])
        for dialect in SpiceDialect.allCases where dialect != .vacask {
            XCTAssertEqual(try self.netlist(dialect: dialect).verilogAFiles, [], "\(dialect)")
        }
        for name in ["a/b.va", "q\"uote.va", "line\nbreak.va", "model.txt", ".va"] {
            XCTAssertThrowsError(try VerilogAFile(fileName: name, text: ""), name) {
                XCTAssertEqual(($0 as? ParameterError)?.parameter, "device")
            }
        }
        let network = try EqPropNetwork(inputs: 2, hidden: 2, outputs: 1, seed: 1)
        XCTAssertThrowsError(try EqPropNetlist(network: network, input: [1, -1], nudge: nil, dialect: .vacask)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "dialect")
        }
    }

    func testStateOutOfRangeIsRejected() {
        let step = try! TestSupport.step(rows: [1], cols: [1])
        XCTAssertThrowsError(try CrossbarNetlist(circuit: CrossbarCircuit(), step: step, states: Matrix([[1.5]]))) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "state")
        }
    }

    /// The templates and calibrations compiled into the library are the files on disk.
    func testEmbeddedResourcesAreCurrent() throws {
        for (folder, suffix, embedded) in [
            ("templates", ".mustache", EmbeddedTemplates.files), ("calibrations", ".json", EmbeddedCalibrations.files),
        ] {
            let root = TestSupport.packageRoot.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
                .filter { $0.hasSuffix(suffix) }
            XCTAssertEqual(Set(files), Set(embedded.keys), "run scripts/embed-resources")
            for file in files {
                let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                XCTAssertEqual(embedded[file], text, "\(folder)/\(file) changed: run scripts/embed-resources")
            }
        }
    }

    /// Every name every template uses — its partials included — is a stored property of the
    /// context it is rendered from, at the place it is used: the renderer looks names up by
    /// reflection, and a misspelt or missing one would render as nothing.
    func testEveryTemplateVariableIsBound() throws {
        let step = try TestSupport.step(rows: [2, 0, 1], cols: [-1, 2])
        let states = Matrix(rows: 3, cols: 2) { i, j in 0.1 * Double(i + j) }
        let wired = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 1, driverResistance: 10))
        var checked = BindingCheck()
        for dialect in SpiceDialect.allCases {
            for (energy, probe) in [(true, nil), (false, DeviceIndex(row: 0, col: 1))] {
                let netlist = try CrossbarNetlist(
                    circuit: wired, step: step, states: states, dialect: dialect, measureEnergy: energy, probe: probe,
                    solver: energy ? .klu : nil, preOsdi: energy ? "m.osdi" : nil)
                try assertBound("\(dialect.templateFolder)/crossbar.cir", netlist.context, checked: &checked)
            }
            let device = MemristorTemplateContext(name: "m", device: ThresholdDevice(), energy: true)
            try assertBound(
                "\(dialect.templateFolder)/memristor.cir",
                dialect.loadsVerilogA ? VacaskMemristorTemplateContext(device: device, source: .threshold) : device,
                checked: &checked)
        }
        for energy in [true, false] {
            let device = MemristorTemplateContext(name: "m", device: ThresholdDevice(), energy: energy)
            let model = CodeModelMemristorTemplateContext(
                device: device, codeModel: CodeModel(path: "/m.cm", builtFor: "ngspice-39 x"))
            try assertBound("ngspice/memristor-codemodel.cir", model, checked: &checked)
            let osdi = OSDIMemristorTemplateContext(
                device: device, model: OSDIModel(path: "/m.osdi", sourcePath: "/m.va", compiler: "OpenVAF x"))
            try assertBound("ngspice/memristor-osdi.cir", osdi, checked: &checked)
            let own = VerilogADevice(
                source: "/m.va", module: "m", parameters: energy ? [.init(name: "k", value: 1)] : [])
            for folder in ["ngspice", "vacask"] {
                try assertBound(
                    "\(folder)/memristor-verilog-a.cir", VerilogAMemristorTemplateContext(name: "m", device: own, energy: energy),
                    checked: &checked)
            }
        }
        for dialect in CrossbarReadNetlist.dialects {
            let read = try CrossbarReadNetlist(circuit: wired, states: states, voltages: [0.1, 0.2, 0], dialect: dialect)
            try assertBound("\(dialect.templateFolder)/read.cir", read.context, checked: &checked)
        }
        let network = try EqPropNetwork(inputs: 2, hidden: 2, outputs: 1, seed: 1)
        for dialect in EqPropNetlist.dialects {
            for nudge in [nil, EqPropNudge(beta: 0.1, targets: [1])] {
                let netlist = try EqPropNetlist(network: network, input: [1, -1], nudge: nudge, dialect: dialect)
                try assertBound("\(dialect.templateFolder)/eqprop.cir", netlist.context, checked: &checked)
            }
        }
        let drives = try XCTUnwrap(EqPropUpdater(mode: .continuous, rate: 1, device: network.device, seed: 1).drives)
        let drift = EqPropDrift(free: Array(repeating: 0, count: network.nodes), drives: drives)
        let drifting = try EqPropNetlist(network: network, input: [1, -1], nudge: EqPropNudge(beta: 0.1, targets: [1]), drift: drift)
        try assertBound("ngspice/eqprop.cir", drifting.context, checked: &checked)
        // A Verilog-A device's network, as exported (its module loaded by pre_osdi).
        var own = try VerilogADevice.file(TestSupport.packageRoot.appendingPathComponent("devices/threshold.va").path)
        own.conductance = .init(on: 1e-4, off: 1e-5, readVoltage: 0.1)
        let verilogA = try EqPropNetwork(inputs: 2, hidden: 3, outputs: 1, device: .verilogA(own), seed: 1)
        let loaded = try EqPropNetlist(network: verilogA, input: [1, -1], nudge: nil, preOsdi: "threshold.osdi")
        try assertBound("ngspice/eqprop.cir", loaded.context, checked: &checked)
        let all = Set(EmbeddedTemplates.files.keys.map { String($0.dropLast(".mustache".count)) })
        XCTAssertEqual(checked.templates, all, "every template is rendered, directly or as a partial")
        XCTAssertEqual(checked.emptySections.subtracting(checked.filledSections), [], "sections never checked inside")
    }

    /// What ``assertBound(_:_:checked:)`` has seen.
    struct BindingCheck {
        /// Templates walked.
        var templates: Set<String> = []
        /// `template: section` of list sections walked with an element / with an empty list.
        var filledSections: Set<String> = []
        var emptySections: Set<String> = []
    }

    /// Stands on the context stack inside a section over an empty list, where names go unchecked.
    struct EmptyList {}

    /// Walks template `name` (and its partials) with the context stack Mustache would build
    /// from `context`, failing on any name no context on the stack has.
    func assertBound(_ name: String, _ context: Any, checked: inout BindingCheck) throws {
        let text = try XCTUnwrap(EmbeddedTemplates.files[name + ".mustache"], name)
        checked.templates.insert(name)
        var stack: [(name: String, value: Any)] = [("", context)]
        func lookup(_ key: String) -> Any? {
            for frame in stack.reversed() {
                if let child = Mirror(reflecting: frame.value).children.first(where: { $0.label == key }) { return child.value }
            }
            return nil
        }
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            let triple = rest[open.upperBound...].hasPrefix("{")
            guard let close = rest.range(of: triple ? "}}}" : "}}", range: open.upperBound..<rest.endIndex) else {
                return XCTFail("\(name): unclosed tag")
            }
            let tag = rest[open.upperBound..<close.lowerBound].dropFirst(triple ? 1 : 0).trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            let sigil = tag.first.map(String.init) ?? ""
            let key = ["#", "^", "/", ">", "!", "%", "&"].contains(sigil)
                ? String(tag.dropFirst()).trimmingCharacters(in: .whitespaces) : tag
            switch sigil {
            case "!", "%": continue
            case ">": try assertBound(key, stack.last!.value, checked: &checked)  // partials see the current context
            case "/":
                XCTAssertEqual(stack.last?.name, key, "\(name): section closed out of order")
                stack.removeLast()
            default:
                if key == "." || stack.contains(where: { $0.value is EmptyList }) {
                    if sigil == "#" || sigil == "^" { stack.append((key, EmptyList())) }
                    continue
                }
                guard let value = lookup(key) else {
                    XCTFail("\(name): {{\(tag)}} is bound by no context (\(stack.map { type(of: $0.value) }))")
                    if sigil == "#" || sigil == "^" { stack.append((key, stack.last!.value)) }
                    continue
                }
                if sigil == "^" {
                    stack.append((key, stack.last!.value))
                } else if sigil == "#" {
                    if let list = value as? [Any] {
                        if let first = list.first {
                            checked.filledSections.insert("\(name): \(key)")
                            stack.append((key, first))
                        } else {
                            checked.emptySections.insert("\(name): \(key)")
                            stack.append((key, EmptyList()))
                        }
                    } else if value is Bool {
                        stack.append((key, stack.last!.value))
                    } else {
                        stack.append((key, value))
                    }
                }
            }
        }
        XCTAssertEqual(stack.count, 1, "\(name): unclosed section")
    }
}
