import Testing
@testable import RecurEngine

@Suite(.serialized) struct WorkerPoolTests {
    func placement(_ threads: ThreadCount) throws -> Placement {
        try Placement(topology: Topology.current(), threads: threads)
    }

    @Test(arguments: [PinMode.none, .core])
    func eachWorkerRunsEachJobOnce(pin: PinMode) throws {
        let pool = try WorkerPool(placement: placement(.fixed(4)), pinMode: pin)
        #expect(pool.count == 4)
        let calls = SharedInts(count: pool.count)
        for _ in 0..<500 {
            pool.run { worker in calls[worker] += 1 }
        }
        #expect(calls.values.map { $0 } == [500, 500, 500, 500])
        pool.shutdown()
    }

    @Test func singleWorkerRunsOnTheCaller() throws {
        let pool = try WorkerPool(placement: placement(.fixed(1)), pinMode: .none)
        let calls = SharedInts(count: 1)
        pool.run { worker in calls[worker] += 1 }
        #expect(calls[0] == 1)
    }

    @Test func workersSeeEachOthersWritesAcrossTheBarrier() throws {
        let pool = try WorkerPool(placement: placement(.fixed(6)), pinMode: .none)
        let count = pool.count
        let values = SharedInts(count: count)
        let wrong = SharedInts(count: count)
        for round in 1...200 {
            pool.run { worker in
                values[worker] = round * 10 + worker
                pool.barrier.wait()
                for other in 0..<count where values[other] != round * 10 + other { wrong[worker] += 1 }
                pool.barrier.wait()
            }
        }
        #expect(wrong.values.reduce(0, +) == 0)
        #expect(values[5] == 2005)
    }

    @Test func pinnedWorkersRunOnTheirPU() throws {
        let placement = try placement(.fixed(4))
        let pool = try WorkerPool(placement: placement, pinMode: .core)
        let seen = SharedInts(count: pool.count, repeating: -1)
        for _ in 0..<20 {
            pool.run { worker in seen[worker] = pool.currentPU() ?? -2 }
            #expect(seen.values.map { $0 } == placement.slots.map(\.pu))
        }
        pool.shutdown()
    }

    @Test func unpinnedPoolDoesNotReportPUs() throws {
        let pool = try WorkerPool(placement: placement(.fixed(2)), pinMode: .none)
        #expect(pool.currentPU() == nil)
    }

    @Test func bindingToAMissingPUThrows() throws {
        let foreign = try Topology(cores: [.init(pus: [0]), .init(pus: [4000])])
        let placement = try Placement(topology: foreign, threads: .fixed(2))
        let error = #expect(throws: WorkerPoolError.self) { try WorkerPool(placement: placement, pinMode: .core) }
        guard case .bindingFailed(let worker, let pu, _) = error else {
            Issue.record("expected a binding failure, got \(String(describing: error))")
            return
        }
        #expect(worker == 1 && pu == 4000)
    }

    @Test func shutdownJoinsAndIsIdempotent() throws {
        for _ in 0..<20 {
            let pool = try WorkerPool(placement: placement(.fixed(3)), pinMode: .none)
            let calls = SharedInts(count: 3)
            pool.run { worker in calls[worker] += 1 }
            pool.shutdown()
            pool.shutdown()
            #expect(calls.values.map { $0 } == [1, 1, 1])
        }
        // Dropping a pool without shutdown() stops its threads in deinit.
        for _ in 0..<20 {
            _ = try WorkerPool(placement: placement(.fixed(3)), pinMode: .none)
        }
    }

    @Test func workersAllocateZeroedAlignedMemory() throws {
        let pool = try WorkerPool(placement: placement(.fixed(3)), pinMode: .core)
        let sums = SharedInts(count: pool.count, repeating: -1)
        let aligned = SharedInts(count: pool.count)
        pool.run { worker in
            guard let memory = try? pool.allocate(floats: 1000 + worker, worker: worker) else { return }
            aligned[worker] = Int(bitPattern: memory.pointer) % PinnedMemory.alignment == 0 && memory.count == 1000 + worker ? 1 : 0
            sums[worker] = Int(memory.buffer.reduce(0, +))
            memory.buffer.update(repeating: 1)
        }
        #expect(sums.values.map { $0 } == [0, 0, 0])
        #expect(aligned.values.map { $0 } == [1, 1, 1])
        #expect(throws: PinnedMemoryError.unknownWorker(3, workers: 3)) { try pool.allocate(floats: 1, worker: 3) }
        #expect(throws: PinnedMemoryError.negativeCount(-1)) { try pool.allocate(floats: -1, worker: 0) }
        #expect(throws: PinnedMemoryError.tooLarge(floats: Int.max)) { try pool.allocate(floats: Int.max, worker: 0) }
        #expect(try PinnedMemory(floats: 0).count == 0)
        pool.shutdown()
    }

    @Test func numaBoundMemoryIsZeroedAndAligned() throws {
        let hwloc = try HwlocTopology(.system)
        let node = try Topology.current().numaNodes[0].osIndex
        let memory = try PinnedMemory(floats: 10_000, numaNode: (hwloc, node))
        #expect(memory.count == 10_000)
        #expect(Int(bitPattern: memory.pointer) % PinnedMemory.alignment == 0)
        #expect(memory.buffer.allSatisfy { $0 == 0 })
        memory.buffer.update(repeating: 2)
        #expect(memory.buffer.reduce(0, +) == 20_000)
    }
}
