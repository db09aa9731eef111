import CallEngine
import Foundation
import MediaEngine
import SIPStack
import WebAPI

/// The PBX's own figures on /metrics: registrations, SIP transactions, calls,
/// RTP, recordings, and what was dropped or refused at the edges.
struct PBXMetrics: Sendable {
    let sip: SIPService
    let calls: CallEngine
    let media: MediaService
    let cdr: CDRWriter
    let location: LocationTable
    let connections: HTTPConnections

    func render() async -> [String] {
        var text = PrometheusText()
        let endpoint = sip.endpoint
        let calls = self.calls
        let snapshot = try? await endpoint.eventLoop.submit { (endpoint.counters, endpoint.answered, calls.activeCalls) }.get()
        let registered = location.counts(now: Date())
        text.metric("hotline_sip_registered_extensions", .gauge, "Extensions with at least one unexpired contact.", registered.extensions)
        text.metric("hotline_sip_registered_contacts", .gauge, "Unexpired registered contacts.", registered.contacts)
        if let (counters, answered, active) = snapshot {
            text.metric("hotline_sip_messages_received_total", .counter, "SIP messages received (UDP datagrams and TCP messages).", counters.received)
            text.metric("hotline_sip_messages_malformed_total", .counter, "SIP messages that could not be parsed.", counters.malformed)
            text.metric(
                "hotline_sip_requests_answered_total", .counter, "SIP requests answered, by method and final status class.",
                answered.cells.map { (labels: [("method", $0.method), ("class", $0.statusClass)], value: $0.count) })
            text.metric("hotline_sip_sends_dropped_total", .counter, "SIP messages that could not be sent (unusable target, no connection, write error).", counters.sendsDropped)
            text.metric("hotline_sip_tcp_refused_total", .counter, "SIP TCP connections refused at the total or per-address cap.", counters.tcpRefused)
            text.metric("hotline_sip_invites_shed_total", .counter, "New calls refused with 503 while the SIP loop was overloaded.", counters.shed)
            text.metric("hotline_calls_active", .gauge, "Calls in progress.", active)
        }
        text.metric("hotline_sip_socket_restarts_total", .counter, "SIP sockets opened again after closing unexpectedly.", sip.socketRestarts)
        let callStats = cdr.statistics
        text.metric("hotline_call_attempts_total", .counter, "Calls started (each INVITE that became a call record).", callStats.attempts)
        text.metric("hotline_calls_answered_total", .counter, "Calls answered.", callStats.answered)
        text.metric(
            "hotline_calls_ended_total", .counter, "Calls ended, by disposition (answered, busy, no_answer, cancelled, unavailable, not_found, failed).",
            callStats.ended.sorted { $0.key.rawValue < $1.key.rawValue }.map { (labels: [("disposition", $0.key.rawValue)], value: $0.value) })
        let mediaStats = await media.statistics()
        text.metric("hotline_rtp_packets_relayed_total", .counter, "RTP packets relayed between call legs.", mediaStats.packetsRelayed)
        text.metric("hotline_rtp_packets_dropped_total", .counter, "RTP packets dropped (not negotiated, malformed, from a stranger).", mediaStats.packetsDropped)
        text.metric("hotline_rtp_packets_lost_total", .counter, "RTP packets missing by sequence number, counted when a call's media ends.", mediaStats.packetsLost)
        text.metric("hotline_media_sessions_active", .gauge, "Media sessions (relayed calls) open.", mediaStats.activeSessions)
        text.metric("hotline_rtp_socket_restarts_total", .counter, "RTP sockets opened again after closing during a call.", mediaStats.socketRestarts)
        text.metric("hotline_rtp_pairs_reused_total", .counter, "Call legs given an RTP/RTCP socket pair kept open from an earlier call.", mediaStats.pairsReused)
        text.metric("hotline_rtp_pairs_resting", .gauge, "RTP/RTCP socket pairs kept open between calls.", mediaStats.pairsResting)
        text.metric("hotline_recordings_written_total", .counter, "Call recordings completed.", mediaStats.recordingsWritten)
        text.metric("hotline_recordings_failed_total", .counter, "Call recordings stopped by a write error.", mediaStats.recordingsFailed)
        text.metric("hotline_http_connections_open", .gauge, "Open web connections.", connections.open)
        text.metric("hotline_http_connections_refused_total", .counter, "Web connections refused at the total or per-address cap.", connections.refused)
        text.metric("hotline_http_connections_timed_out_total", .counter, "Web connections closed for sending their request too slowly.", connections.timedOut)
        return text.lines
    }
}
