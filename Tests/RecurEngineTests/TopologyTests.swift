import Testing
@testable import RecurEngine

@Suite struct TopologyTests {
    @Test func syntheticTwoSocketSMTMachine() throws {
        let topology = try Topology(synthetic: "pack:2 core:4 pu:2")
        #expect(topology.source == .synthetic("pack:2 core:4 pu:2"))
        #expect(topology.packageCount == 2)
        #expect(topology.numaNodes.count == 1)
        #expect(topology.cores.count == 8)
        #expect(topology.puCount == 16)
        #expect(topology.cores.map(\.index) == Array(0..<8))
        #expect(topology.cores[0].pus == [0, 1])
        #expect(topology.cores[7].pus == [14, 15])
        #expect(topology.cores.map(\.package) == [0, 0, 0, 0, 1, 1, 1, 1])
        // No L3 cache: each package is one L3 group.
        #expect(topology.l3GroupCount == 2)
        #expect(topology.cores.map(\.l3Group) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(topology.usablePUs == Set(0..<16))
        #expect(topology.usableCores.count == 8)
    }

    @Test func syntheticNUMAAndL3Levels() throws {
        let topology = try Topology(synthetic: "pack:2 numa:2 l3:2 core:2 pu:2")
        #expect(topology.packageCount == 2)
        #expect(topology.numaNodes.count == 4)
        #expect(topology.numaNodes.map(\.osIndex) == [0, 1, 2, 3])
        #expect(topology.numaNodes.allSatisfy { $0.memoryBytes > 0 })
        #expect(topology.l3GroupCount == 8)
        #expect(topology.cores.count == 16)
        #expect(topology.cores.map(\.numaNode) == (0..<4).flatMap { Array(repeating: $0, count: 4) })
        #expect(topology.cores.map(\.l3Group) == (0..<8).flatMap { [$0, $0] })
        #expect(topology.l3CacheBytes != nil)
    }

    @Test func xmlWithAllowedCPUSetAndCPUModel() throws {
        let topology = try Topology(xml: TopologyFixtures.restrictedTwoSocketXML)
        #expect(topology.source == .xml)
        #expect(topology.cpuModel == "Test CPU 9000")
        #expect(topology.cores.map(\.pus) == [[0, 4], [1, 5], [2, 6], [3, 7]])
        #expect(topology.usablePUs == [0, 2, 3, 4, 7])
        #expect(topology.usableCores.map(\.index) == [0, 2, 3])
        #expect(topology.l3CacheBytes == 32 << 20)
        #expect(topology.l3GroupCount == 2)
        #expect(topology.numaNodes == [Topology.NUMANode(osIndex: 0, memoryBytes: 8 << 30)])
    }

    @Test func thisMachineLoads() throws {
        let topology = try Topology.current()
        #expect(topology.source == .system)
        #expect(topology.cores.count >= 1)
        #expect(topology.numaNodes.count >= 1)
        #expect(!topology.usablePUs.isEmpty)
        #expect(topology.usablePUs.isSubset(of: Set(topology.cores.flatMap(\.pus))))
        #expect(topology.describe().contains("this machine"))
    }

    @Test func malformedInputsThrow() {
        #expect(throws: TopologyError.invalidSyntheticDescription("pack:two")) { try Topology(synthetic: "pack:two") }
        #expect(throws: TopologyError.invalidXML(detail: "the XML text is empty")) { try Topology(xml: "") }
        #expect(throws: TopologyError.self) { try Topology(xml: "<topology version=\"2.0\"><object type=\"Bogus\"") }
        #expect(throws: TopologyError.self) { try Topology(xml: "not xml at all") }
    }

    @Test func manualConstructionIsValidated() throws {
        #expect(throws: TopologyError.noCores(source: "manual description")) { try Topology(cores: []) }
        #expect(throws: TopologyError.coreWithoutPUs(core: 1)) {
            try Topology(cores: [.init(pus: [0]), .init(pus: [])])
        }
        #expect(throws: TopologyError.duplicatePU(3)) {
            try Topology(cores: [.init(pus: [0, 3]), .init(pus: [3])])
        }
        #expect(throws: TopologyError.invalidCoreLocation(core: 0)) {
            try Topology(cores: [.init(pus: [0], numaNode: 1)])
        }
        #expect(throws: TopologyError.invalidCoreLocation(core: 0)) { try Topology(cores: [.init(pus: [-1])]) }

        let topology = try Topology(cores: [.init(index: 7, pus: [0, 1]), .init(pus: [2, 3])], usablePUs: [1, 2, 99])
        #expect(topology.cores.map(\.index) == [0, 1])
        #expect(topology.usablePUs == [1, 2])
        #expect(topology.restricted(to: [2, 3]).usablePUs == [2])
    }

    @Test func errorsDescribeThemselves() {
        #expect(TopologyError.duplicatePU(3).description == "topology: PU 3 is listed under more than one core")
        #expect(TopologyError.invalidSyntheticDescription("x").description.contains("\"x\""))
    }

    @Test func describeListsTheMachine() throws {
        let text = try Topology(xml: TopologyFixtures.restrictedTwoSocketXML).describe()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Machine     Test CPU 9000 (hwloc XML)")
        #expect(lines.contains("Packages    2"))
        #expect(lines.contains("NUMA nodes  1 (node 0: 8 GiB)"))
        #expect(lines.contains("L3 cache    32 MiB each"))
        #expect(lines.contains("L2 cache    unknown"))
        #expect(lines.contains("PUs         8 (2 per core)"))
        #expect(lines.contains("Usable      5 of 8 PUs, 3 of 4 cores: 0,2-4,7"))
    }

    @Test func formattingHelpers() {
        #expect(Topology.formatRanges([]) == "none")
        #expect(Topology.formatRanges([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
        #expect(Topology.formatBytes(512) == "512 B")
        #expect(Topology.formatBytes(32 << 20) == "32 MiB")
        #expect(Topology.formatBytes(3 << 29) == "1.5 GiB")
        #expect(Topology.formatBytes(UInt64.max) == "16383.9 PiB")
        #expect(Topology.alignedTable([["a", "bbb"], ["cc", "d"]]) == [" a  bbb", "cc    d"])
    }
}
