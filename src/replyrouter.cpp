#include "replyrouter_p.h"

#include "messagecodec_p.h"

ReplyRouter::Routed ReplyRouter::route(const InboundMessage &message)
{
    using Kind = InboundMessage::Kind;
    const quint64 id = message.id;
    switch (message.kind) {
    case Kind::Response: {
        // Each request is answered once: its id needs no remembering after this.
        if (m_ignoredIds.remove(id))
            return Routed::Ignored;
        const PendingTable::Entry *entry = m_pending.find(id);
        if (!entry)
            return Routed::Unknown;
        if (message.success) {
            m_pending.resolve(id, message.value);
        } else {
            QRustBridgeError error(QRustBridgeError::Code::Remote, message.value.toString(), entry->method,
                                   MessageCodec::requestIdString(id));
            if (message.errorDetail)  // only when the backend sent errorCode/errorData
                error.setRemoteDetails(message.errorDetail->remoteCode(), message.errorDetail->remoteData());
            m_pending.reject(id, error);
        }
        return Routed::Delivered;
    }
    case Kind::Chunk: {
        if (m_pending.deliverChunk(id, message.value))
            return Routed::Delivered;
        return m_ignoredIds.contains(id) ? Routed::Ignored : Routed::Unknown;
    }
    case Kind::RequestFailed: {
        const PendingTable::Entry *entry = m_pending.find(id);
        if (!entry)
            return m_ignoredIds.contains(id) ? Routed::Ignored : Routed::Unknown;
        const QRustBridgeError &error = message.error();
        m_pending.reject(id, QRustBridgeError(error.code(), error.message(), entry->method,
                                              MessageCodec::requestIdString(id)));
        return Routed::Delivered;
    }
    default:
        Q_ASSERT(!"ReplyRouter::route() takes only replies to requests");
        return Routed::Unknown;
    }
}

void ReplyRouter::abandon(quint64 id, const QRustBridgeError &error)
{
    if (!m_pending.contains(id))
        return;
    m_ignoredIds.insert(id);
    m_pending.reject(id, error);
}

void ReplyRouter::cancel(quint64 id, const QRustBridgeError &cancelled)
{
    if (!m_pending.contains(id))
        return;
    m_ignoredIds.insert(id);
    m_pending.cancel(id, cancelled);
}

void ReplyRouter::abandonAll(const QRustBridgeError &error)
{
    for (quint64 id : m_pending.ids())
        m_ignoredIds.insert(id);
    m_pending.rejectAll(error);
}

void ReplyRouter::connectionLost(const QRustBridgeError &error)
{
    m_ignoredIds.clear();
    m_pending.rejectAll(error);
}
