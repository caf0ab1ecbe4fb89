import RecurRuntime
import RecurEngine
import RecurTestSupport
import Testing

@testable import RecurVerification

/// `recur verify`'s path: the PyTorch fixture through the parallel engine.
@Suite struct EngineVerificationTests {
    static let small = "rnn-h32-l2-b8.safetensors"

    /// The report of the small fixture run on `threads` workers.
    static func report(threads: Int, shardSize: Int) throws -> VerificationReport {
        let reference = try VerificationReference(path: try Fixtures.require(small))
        let setup = try ComputeSetup(threads: .fixed(threads), pin: .none)
        return try Verification.run(reference) { parameters throws(RecurError) in
            VerificationEngineTarget(parameters: parameters, setup: setup, shardSize: shardSize)
        }
    }

    @Test func passesOnEveryThreadCountWithTheSameBits() throws {
        // Batch 8 in shards of 3: two full shards and one of 2.
        let one = try Self.report(threads: 1, shardSize: 3)
        #expect(one.passed, "\(one.table())")
        #expect(one.rows.allSatisfy { $0.relativeError < 1e-5 }, "\(one.table())")
        for threads in [2, 3] {
            let many = try Self.report(threads: threads, shardSize: 3)
            #expect(many.passed)
            #expect(many.rows.map(\.relativeError) == one.rows.map(\.relativeError), "\(threads) threads")
        }
    }
}
