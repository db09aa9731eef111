/// Media: pure, socket-free building blocks for the media path — RTP/RTCP
/// headers, G.711, RFC 4733 telephone events, WAV files and tones. Codecs
/// write into caller-provided buffers so the relay allocates nothing per packet.
public enum Media {}
