import Media
import Testing

@Suite struct MediaAddressTests {
    @Test(arguments: [("192.0.2.10", 4000), ("127.0.0.1", 10_000), ("2001:db8::1", 5004), ("::1", 6000)])
    func unicastAddressesAreUsable(host: String, port: Int) {
        #expect(MediaAddress.isUsableUnicast(host, port: port))
    }

    @Test(arguments: [
        ("255.255.255.255", 4000), ("239.1.2.3", 4000), ("0.0.0.0", 4000), ("0.1.2.3", 4000), ("240.0.0.1", 4000),
        ("192.0.2.10", 0), ("192.0.2.10", 70_000), ("ff02::1", 4000), ("::", 4000), ("example.com", 4000), ("", 4000),
    ])
    func broadcastMulticastUnspecifiedAndBadPortsAreRefused(host: String, port: Int) {
        #expect(!MediaAddress.isUsableUnicast(host, port: port))
    }
}
