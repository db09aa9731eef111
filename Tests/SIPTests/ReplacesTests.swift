import SIP
import Testing

@Suite struct ReplacesTests {
    @Test func theDialogIsNamedByCallIDAndBothTags() {
        let replaces = Replaces("425928@bobster.example.org;to-tag=7743;from-tag=6472")
        #expect(replaces == Replaces(callID: "425928@bobster.example.org", toTag: "7743", fromTag: "6472"))
        #expect(Replaces("a@b;from-tag=1;to-tag=2;early-only")?.earlyOnly == true)
    }

    @Test(arguments: ["", "a@b", "a@b;to-tag=1", "a@b;from-tag=1", "to-tag=1;from-tag=2", "a@b;to-tag=;from-tag=2"])
    func incompleteValuesAreRefused(_ text: String) {
        #expect(Replaces(text) == nil)
    }
}
