#pragma once

#include "messages_p.h"
#include "pendingtable_p.h"

#include <QtCore/QSet>

// Routes the backend's replies (responses, stream chunks, per-request
// failures from the I/O thread) to the requests waiting for them, and
// remembers the requests the bridge ended early (cancelled, timed out,
// stopped) so their late replies are dropped quietly instead of reported as
// unknown. The bridge and the protocol fuzzer (tests/fuzz/fuzz_protocol.cpp)
// use this same class.
class ReplyRouter
{
public:
    enum class Routed {
        Delivered,  // a pending request took it
        Ignored,    // a reply to a request the bridge ended early: dropped quietly
        Unknown,    // nothing waits for this id: the caller may log it
    };

    PendingTable &pending() { return m_pending; }
    const PendingTable &pending() const { return m_pending; }

    // Routes a Response, Chunk or RequestFailed message; may finish a request,
    // which runs user code: the caller must not assume the bridge survives.
    Routed route(const InboundMessage &message);

    // The bridge ends a pending request itself: the future is rejected with
    // `error` (abandon) or cancelled (cancel), and a reply that still comes
    // is ignored. No-ops for an id that is not pending.
    void abandon(quint64 id, const QRustBridgeError &error);
    void cancel(quint64 id, const QRustBridgeError &cancelled);
    // Replies to `id` (a request nobody waits for, such as a cancel message) are dropped quietly.
    void ignoreReplies(quint64 id) { m_ignoredIds.insert(id); }
    bool isIgnored(quint64 id) const { return m_ignoredIds.contains(id); }

    // kill(): rejects everything pending; answers that still arrive before the
    // backend is gone are ignored.
    void abandonAll(const QRustBridgeError &error);
    // The connection is gone: no reply can arrive any more, so nothing is
    // remembered; everything pending is rejected.
    void connectionLost(const QRustBridgeError &error);

private:
    PendingTable m_pending;
    QSet<quint64> m_ignoredIds;
};
