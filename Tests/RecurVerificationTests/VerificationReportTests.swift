import Foundation
import RecurCore
import Testing

@testable import RecurVerification

@Suite struct VerificationReportTests {
    static let report = VerificationReport(
        reference: "fixtures/\"odd\"\\name.safetensors", shape: ModelShape(hidden: 32, layers: 2), batchSize: 8,
        adamSteps: 1, tolerance: Verification.tolerance,
        rows: [
            VerificationReport.Row(name: "expected.logits", got: [1, 2.00001, -3], expected: [1, 2, -3]),
            VerificationReport.Row(name: "grad.fc.bias", got: [.nan, 0], expected: [0.5, 0]),
            VerificationReport.Row(name: "adam.losses", got: [1], expected: [1, 2]),
            VerificationReport.Row(name: "adam.fc.bias", got: [3, 4.0004], expected: [3, 4], norm: .euclidean),
        ])

    @Test func relativeErrorIsNormwise() {
        // max |got - ref| over max |ref|, not element by element (which would give 0.5 here).
        #expect(abs(Verification.relativeError([1, 0.001], [1, 0.002]) - 0.001) < 1e-9)
        #expect(abs(Verification.relativeError([-4, 2], [-2, 2]) - 1) < 1e-12)
        #expect(Verification.relativeError([0, 0], [0, 0]) == 0)
        // An all-zero reference divides by 1e-12.
        #expect(abs(Verification.relativeError([1e-13], [0]) - 0.1) < 1e-6)
        #expect(Verification.relativeError([.nan], [1]) == .infinity)
        #expect(Verification.relativeError([1], [1, 2]) == .infinity)
        // The 2-norm: sqrt(3^2 + 4^2) = 5 over sqrt(6^2 + 8^2) = 10.
        #expect(Verification.relativeError([9, 12], [6, 8], norm: .euclidean) == 0.5)
        #expect(Verification.relativeError([.nan], [1], norm: .euclidean) == .infinity)
    }

    @Test func rowsPassWithinTheTolerance() {
        #expect(Self.report.rows.map(\.passed) == [true, false, false, true])
        #expect(!Self.report.passed)
        #expect(Self.report.rows[2].elements == 2)
    }

    @Test func tableIsAligned() {
        let lines = Self.report.table().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines[0]
                == "fixtures/\"odd\"\\name.safetensors: hidden 32, layers 2, input size 28, sequence length 28, classes 10, batch 8, 1 Adam step"
        )
        #expect(lines[1] == "tensor           elements  rel. error  norm  result")
        #expect(lines[2] == "---------------  --------  ----------  ----  ------")
        #expect(lines[3] == "expected.logits         3    3.34e-06  max   ok")
        #expect(lines[4] == "grad.fc.bias            2         inf  max   FAIL")
        #expect(lines[5] == "adam.losses             2         inf  max   FAIL")
        #expect(lines[6] == "adam.fc.bias            2    8.00e-05  l2    ok")
        #expect(lines[7] == "FAILED: 2 of 4 tensors over 1.00e-04: grad.fc.bias, adam.losses")
        #expect(lines[8] == "")
    }

    @Test func scientificNotation() {
        #expect(VerificationReport.scientific(0) == "0")
        #expect(VerificationReport.scientific(1e-4) == "1.00e-04")
        #expect(VerificationReport.scientific(9.999e-3) == "1.00e-02")
        #expect(VerificationReport.scientific(123456) == "1.23e+05")
        #expect(VerificationReport.scientific(-2.5e-300) == "-2.50e-300")
        #expect(VerificationReport.scientific(.infinity) == "inf")
        #expect(VerificationReport.scientific(.nan) == "nan")
    }

    @Test func jsonParsesAndEscapes() throws {
        let json = try Self.report.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["reference"] as? String == "fixtures/\"odd\"\\name.safetensors")
        #expect(object["passed"] as? Bool == false)
        #expect(object["batch"] as? Int == 8)
        #expect(object["adam_steps"] as? Int == 1)
        #expect(object["tolerance"] as? Double == 1e-4)
        #expect(
            object["shape"] as? [String: Int] == [
                "hidden": 32, "layers": 2, "input_size": 28, "seq_len": 28, "classes": 10,
            ])
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(
            tensors.map { $0["name"] as? String } == ["expected.logits", "grad.fc.bias", "adam.losses", "adam.fc.bias"])
        #expect(tensors.map { $0["norm"] as? String } == ["max", "max", "max", "l2"])
        #expect(tensors[0]["relative_error"] as? Double == Self.report.rows[0].relativeError)
        #expect(tensors[1]["relative_error"] is NSNull)
        // Control characters in a name are escaped and come back as they were.
        let controlName = VerificationReport(
            reference: "a\u{1}\n", shape: ModelShape(hidden: 32, layers: 2), batchSize: 1, adamSteps: 0,
            tolerance: Verification.tolerance, rows: [])
        let controlJSON = try controlName.json()
        #expect(controlJSON.contains("\"a\\u0001\\n\""))
        let controlObject = try #require(try JSONSerialization.jsonObject(with: Data(controlJSON.utf8)) as? [String: Any])
        #expect(controlObject["reference"] as? String == "a\u{1}\n")
    }
}
