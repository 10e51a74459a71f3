/// One of `count` deterministic parts of the fixture cases (`replay --shard index/count`, 1-based).
///
/// Case identifiers (`file.h5/case`) are sorted; the case at position `p` (0-based) belongs to shard
/// `p % count + 1`. The shards are disjoint, their union is every case, and their sizes differ by at most one.
public struct CaseShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(CaseShardError) {
        guard count >= 1, (1...count).contains(index) else {
            throw CaseShardError("shard \(index)/\(count): expected I/N with 1 <= I <= N")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`, e.g. `2/3`.
    public init(parsing text: String) throws(CaseShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw CaseShardError("shard '\(text)': expected I/N, e.g. 2/3")
        }
        try self.init(index: i, count: n)
    }

    /// The identifiers of this shard among `identifiers` (duplicates counted once), sorted.
    public func select(_ identifiers: [String]) -> [String] {
        Array(Set(identifiers)).sorted().enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}

/// A `--shard` argument that is not `I/N` with `1 <= I <= N`.
public struct CaseShardError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
