import Media

/// What one endpoint of a call sends to its phone.
public enum MediaSource: Sendable, Equatable {
    /// Nothing (the phone is on hold, or waits).
    case silence
    /// The audio of another endpoint of the call (by its leg id), relayed
    /// packet by packet: the bridge between two legs.
    case leg(Int)
    /// A clip played from the start; `loop` repeats it (music on hold).
    case clip(AudioClip, loop: Bool)
    /// A tone pattern (ringback, busy, a beep).
    case tone(TonePattern)
    /// The call's mix of the legs this one hears (`MediaCall.mix`).
    case mix
}
