/// Work a throughput benchmark repeats: one call of `run()` does `flops`
/// floating-point operations (a multiply-add counting as two).
protocol ThroughputFixture: AnyObject {
    var flops: Double { get }
    func run()
}
