/// The hearing sets a call center needs. Each sets only the participants
/// it names; anyone else keeps what it had.
extension AudioMixer {
    public enum Supervision: Hashable, Sendable {
        /// The supervisor hears agent and customer; nobody hears the supervisor.
        case listen
        /// The agent hears supervisor and customer; the customer hears only the agent.
        case whisper
        /// All three hear each other.
        case barge
    }

    /// Everyone hears everyone else.
    public mutating func conference() {
        for p in 0..<count { setHears(p, .first(count)) }
    }

    public mutating func supervise(_ mode: Supervision, supervisor: Int, agent: Int, customer: Int) {
        precondition(supervisor != agent && agent != customer && customer != supervisor,
                     "supervisor, agent and customer are three participants")
        setHears(customer, mode == .barge ? [agent, supervisor] : [agent])
        setHears(agent, mode == .listen ? [customer] : [customer, supervisor])
        setHears(supervisor, [agent, customer])
    }
}
