/// MediaEngine: RTP sockets from the configured port range, the relay with
/// symmetric latching and transcoding, and the call recorder. Everything on
/// the packet path runs on NIO event loops without allocation or actor hops.
public enum MediaEngine {}
