import Testing

@testable import CallEngine

@Suite("Parallel forking of one leg: answer → actions")
struct ForkSetTests {
    @Test func firstAnswerWinsAndTheOtherPhonesAreCancelled() {
        var forks = ForkSet(count: 3)
        #expect(forks.handle(.provisional(1, earlyMedia: false)) == [.legRinging(earlyMedia: false)])
        // A second phone ringing does not ring the caller twice.
        #expect(forks.handle(.provisional(0, earlyMedia: false)) == [])
        #expect(forks.handle(.answered(1)) == [.acknowledge(1), .cancel([0, 2]), .legAnswered(fork: 1)])
        #expect(forks.winner == 1)
        // The cancelled phones' 487s change nothing.
        #expect(forks.handle(.failed(0, status: 487)) == [])
        // A phone that answered before our CANCEL arrived is ACKed and hung up.
        #expect(forks.handle(.answered(2)) == [.acknowledge(2), .hangUp(2)])
        // The winner's retransmitted 2xx is ACKed again.
        #expect(forks.handle(.answered(1)) == [.acknowledge(1)])
    }

    @Test func earlyMediaIsReportedOnceEvenAfterAPlainRing() {
        var forks = ForkSet(count: 2)
        #expect(forks.handle(.provisional(0, earlyMedia: false)) == [.legRinging(earlyMedia: false)])
        #expect(forks.handle(.provisional(1, earlyMedia: true)) == [.legRinging(earlyMedia: true)])
        #expect(forks.handle(.provisional(0, earlyMedia: true)) == [])
    }

    @Test func busyWinsWhenEveryPhoneFails() {
        var forks = ForkSet(count: 2)
        #expect(forks.handle(.failed(0, status: 486)) == [])
        #expect(forks.handle(.failed(1, status: 408)) == [.legFailed(status: 486)])
    }

    @Test func timeoutsAloneGive480AndADeclineBeatsTheRest() {
        var alone = ForkSet(count: 1)
        #expect(alone.handle(.failed(0, status: 408)) == [.legFailed(status: 480)])
        var declined = ForkSet(count: 2)
        _ = declined.handle(.failed(0, status: 503))
        #expect(declined.handle(.failed(1, status: 603)) == [.legFailed(status: 603)])
    }

    @Test func givingUpCancelsWhatStillRingsAndAnAnswerAfterItIsHungUp() {
        var forks = ForkSet(count: 2)
        _ = forks.handle(.provisional(0, earlyMedia: false))
        _ = forks.handle(.failed(1, status: 480))
        #expect(forks.handle(.cancelAll) == [.cancel([0])])
        #expect(forks.handle(.answered(0)) == [.acknowledge(0), .hangUp(0)])
    }
}
