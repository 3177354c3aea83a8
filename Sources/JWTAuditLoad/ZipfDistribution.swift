import Foundation

/// A Zipf-like distribution over ranks `0..<count`: rank k is drawn with weight 1 / (k + 1)^s.
///
/// Sampling is a binary search in a precomputed cumulative table (8 bytes per rank), which is
/// exact and fast enough for the generator (about 17 comparisons for 100,000 ranks).
public struct ZipfDistribution: Sendable {
    /// Number of ranks.
    public let count: Int
    /// The exponent `s`; larger is more skewed, 0 is uniform.
    public let exponent: Double
    private let cumulative: [Double]

    /// Creates the distribution over `count` ranks with exponent `exponent`.
    public init(count: Int, exponent: Double) {
        precondition(count > 0, "a distribution needs at least one rank")
        precondition(exponent >= 0, "the exponent must not be negative")
        self.count = count
        self.exponent = exponent
        var table = [Double](repeating: 0, count: count)
        var total = 0.0
        for rank in 0..<count {
            total += 1 / pow(Double(rank + 1), exponent)
            table[rank] = total
        }
        for rank in 0..<count {
            table[rank] /= total
        }
        table[count - 1] = 1
        cumulative = table
    }

    /// The probability of `rank`.
    public func probability(of rank: Int) -> Double {
        rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1]
    }

    /// Draws a rank; rank 0 is the most likely.
    public func sample(using generator: inout Xoshiro256StarStar) -> Int {
        let u = generator.unit()
        var low = 0
        var high = count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > u {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }
}
