import Hummingbird
import Synchronization

/// Encoded API answers by normalized request (`/api/search`: the query with its filters
/// folded in, limit, sections per page), so a repeated query costs a lookup instead of a
/// search and a JSON encoding. Each answer keeps its gzip form once a client asked for it.
///
/// One cache belongs to one loaded index (`SearchPool`): a rebuild replaces the pool and
/// with it every cached answer, so nothing stale is served.
///
/// Bounded by `capacity` entries and `byteLimit` bytes; eviction is CLOCK (second chance),
/// the usual constant-time approximation of least-recently-used: a hit marks its slot,
/// the hand clears marks until it finds an unmarked slot to reuse.
final class ResponseCache: Sendable {
    struct Answer: Sendable {
        var json: ByteBuffer
        /// nil: not made yet; `.some(nil)`: not smaller than the JSON.
        var gzip: ByteBuffer??
        var cost: Int { json.readableBytes + ((gzip ?? nil)?.readableBytes ?? 0) }
    }

    private struct Slot {
        var key: String
        var answer: Answer
        var referenced: Bool
    }

    private struct State {
        var slots: [Slot] = []
        var index: [String: Int] = [:]
        var hand = 0
        var bytes = 0
        var hits = 0
        var misses = 0
    }

    private let state = Mutex(State())
    let capacity: Int
    let byteLimit: Int

    init(capacity: Int = 1024, byteLimit: Int = 16 << 20) {
        self.capacity = max(0, capacity)
        self.byteLimit = byteLimit
    }

    var isEnabled: Bool { capacity > 0 }

    /// Entries, bytes, hits and misses so far (tests and `/api/health`).
    var statistics: (entries: Int, bytes: Int, hits: Int, misses: Int) {
        state.withLock { ($0.slots.count, $0.bytes, $0.hits, $0.misses) }
    }

    func answer(for key: String) -> Answer? {
        guard isEnabled else { return nil }
        return state.withLock { s in
            guard let i = s.index[key] else { s.misses += 1; return nil }
            s.hits += 1
            s.slots[i].referenced = true
            return s.slots[i].answer
        }
    }

    func store(_ answer: Answer, for key: String) {
        let cost = answer.cost + key.utf8.count
        guard isEnabled, cost <= byteLimit else { return }
        state.withLock { s in
            if let i = s.index[key] {
                s.bytes += cost - (s.slots[i].answer.cost + key.utf8.count)
                s.slots[i].answer = answer
                s.slots[i].referenced = true
                return
            }
            // Free slots and bytes: the hand gives each marked slot a second chance.
            while !s.slots.isEmpty && (s.slots.count >= capacity || s.bytes + cost > byteLimit) {
                if s.hand >= s.slots.count { s.hand = 0 }
                if s.slots[s.hand].referenced {
                    s.slots[s.hand].referenced = false
                    s.hand += 1
                    continue
                }
                let victim = s.slots[s.hand]
                s.index[victim.key] = nil
                s.bytes -= victim.answer.cost + victim.key.utf8.count
                let last = s.slots.removeLast()
                if s.hand < s.slots.count {
                    s.slots[s.hand] = last
                    s.index[last.key] = s.hand
                }
            }
            s.index[key] = s.slots.count
            s.slots.append(Slot(key: key, answer: answer, referenced: false))
            s.bytes += cost
        }
    }
}
