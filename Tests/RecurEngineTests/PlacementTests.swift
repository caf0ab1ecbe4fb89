import Testing
@testable import RecurEngine

@Suite struct PlacementTests {
    @Test func consecutiveWorkersAlternateSockets() throws {
        let topology = try Topology(synthetic: "pack:2 core:4 pu:2")
        let placement = try Placement(topology: topology, threads: .fixed(8))
        #expect(placement.slots.map(\.worker) == Array(0..<8))
        #expect(placement.slots.map(\.package) == [0, 1, 0, 1, 0, 1, 0, 1])
        #expect(placement.slots.map(\.core) == [0, 4, 1, 5, 2, 6, 3, 7])
        #expect(placement.slots.map(\.pu) == [0, 8, 2, 10, 4, 12, 6, 14])
        #expect(!placement.oversubscribed)

        let two = try Placement(topology: topology, threads: .fixed(2))
        #expect(two.slots.map(\.package) == [0, 1])
    }

    @Test func spreadsOverPackagesThenNUMANodesThenL3Groups() throws {
        let topology = try Topology(synthetic: "pack:2 numa:2 l3:2 core:1 pu:2")
        let placement = try Placement(topology: topology, threads: .fixed(8))
        #expect(placement.slots.map(\.package) == [0, 1, 0, 1, 0, 1, 0, 1])
        #expect(placement.slots.map(\.numaNode) == [0, 2, 1, 3, 0, 2, 1, 3])
        #expect(placement.slots.map(\.l3Group) == [0, 4, 2, 6, 1, 5, 3, 7])
        #expect(placement.slots.map(\.pu) == [0, 8, 4, 12, 2, 10, 6, 14])
    }

    @Test func smtSiblingsOnlyAfterEveryCore() throws {
        let topology = try Topology(synthetic: "pack:2 numa:2 core:2 pu:2")
        let placement = try Placement(topology: topology, threads: .fixed(16))
        let first = placement.slots.prefix(8)
        #expect(Set(first.map(\.core)).count == 8)
        #expect(first.map(\.pu) == [0, 8, 4, 12, 2, 10, 6, 14])
        #expect(placement.slots.suffix(8).map(\.pu) == [1, 9, 5, 13, 3, 11, 7, 15])
        #expect(Set(placement.slots.map(\.pu)) == Set(0..<16))
        #expect(!placement.oversubscribed)
    }

    @Test func autoMeansOneWorkerPerUsableCore() throws {
        let topology = try Topology(synthetic: "pack:2 core:4 pu:2")
        let placement = try Placement(topology: topology, threads: .auto)
        #expect(placement.threads == 8)
        #expect(Set(placement.slots.map(\.core)).count == 8)

        let restricted = try Placement(topology: topology.restricted(to: [0, 1, 2, 9]), threads: .auto)
        #expect(restricted.threads == 3)
    }

    @Test func moreThreadsThanPUsWrapsAround() throws {
        let topology = try Topology(synthetic: "pack:1 core:2 pu:2")
        let placement = try Placement(topology: topology, threads: .fixed(6))
        #expect(placement.oversubscribed)
        #expect(placement.slots.map(\.pu) == [0, 2, 1, 3, 0, 2])
        #expect(placement.slots.map(\.worker) == Array(0..<6))

        let exact = try Placement(topology: topology, threads: .fixed(4))
        #expect(!exact.oversubscribed)
    }

    @Test func restrictedAllowedSetFromXML() throws {
        let topology = try Topology(xml: TopologyFixtures.restrictedTwoSocketXML)
        let all = try Placement(topology: topology, threads: .fixed(5))
        #expect(all.slots.map(\.pu) == [0, 2, 3, 4, 7])
        #expect(all.slots.map(\.core) == [0, 2, 3, 0, 3])
        #expect(!all.oversubscribed)
        #expect(try Placement(topology: topology, threads: .auto).slots.map(\.pu) == [0, 2, 3])
        #expect(try Placement(topology: topology, threads: .fixed(6)).oversubscribed)
    }

    @Test func restrictedAllowedSetBuiltDirectly() throws {
        let cores = (0..<4).map { Topology.Core(pus: [$0, $0 + 4], package: $0 / 2, l3Group: $0 / 2) }
        let topology = try Topology(cores: cores, usablePUs: [1, 5, 3])
        let placement = try Placement(topology: topology, threads: .fixed(3))
        #expect(placement.slots.map(\.pu) == [1, 3, 5])
        #expect(placement.slots.map(\.package) == [0, 1, 0])
    }

    @Test func invalidCountsThrow() throws {
        let topology = try Topology(synthetic: "core:2 pu:1")
        #expect(throws: PlacementError.invalidThreadCount(0)) { try Placement(topology: topology, threads: .fixed(0)) }
        #expect(throws: PlacementError.invalidThreadCount(-3)) { try Placement(topology: topology, threads: .fixed(-3)) }
        #expect(throws: PlacementError.tooManyThreads(requested: Int.max, maximum: 64, usablePUs: 2)) {
            try Placement(topology: topology, threads: .fixed(Int.max))
        }
        #expect(Placement.maximumThreads(usablePUs: 16) == 128)
        #expect(throws: PlacementError.tooManyThreads(requested: 65, maximum: 64, usablePUs: 2)) {
            try Placement(topology: topology, threads: .fixed(65))
        }
        _ = try Placement(topology: topology, threads: .fixed(64))
        #expect(throws: PlacementError.noUsablePUs) {
            try Placement(topology: topology.restricted(to: [7]), threads: .auto)
        }
    }

    @Test func threadCountParsing() {
        #expect(ThreadCount(argument: "auto") == .auto)
        #expect(ThreadCount(argument: "AUTO") == .auto)
        #expect(ThreadCount(argument: "12") == .fixed(12))
        #expect(ThreadCount(argument: "0") == nil)
        #expect(ThreadCount(argument: "-2") == nil)
        #expect(ThreadCount(argument: "4x") == nil)
        #expect(ThreadCount(argument: "") == nil)
        #expect(ThreadCount(argument: "99999999999999999999999") == nil)
        #expect(ThreadCount.fixed(3).description == "3")
        #expect(PinMode(rawValue: "core") == .core)
        #expect(PinMode(rawValue: "numa") == nil)
    }

    @Test func describePrintsAnAlignedTable() throws {
        let topology = try Topology(synthetic: "pack:1 core:2 pu:2")
        let text = try Placement(topology: topology, threads: .fixed(5)).describe()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Machine     unknown CPU model (synthetic \"pack:1 core:2 pu:2\")")
        let table = Array(lines.drop { !$0.hasPrefix("Placement of") })
        #expect(table == [
            "Placement of 5 workers (SMT siblings in use):",
            "  worker  PU  core  package  NUMA  L3",
            "       0   0     0        0     0   0",
            "       1   2     1        0     0   0",
            "       2   1     0        0     0   0",
            "       3   3     1        0     0   0",
            "       4   0     0        0     0   0",
            "Oversubscribed: 5 workers share 4 usable PUs.",
        ])
        #expect(try Placement(topology: topology, threads: .fixed(1)).describe().contains("Placement of 1 worker (one per core):"))
    }
}
