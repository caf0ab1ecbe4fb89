import RecurCore

/// Forward pass and backprop through time over one shard (in progress).
func runShard(_ pass: ShardPass) -> Float {
    fatalError("runShard: not implemented yet")
}
