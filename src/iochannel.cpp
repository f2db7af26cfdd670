#include "iochannel_p.h"

bool IoChannel::pushOutbound(OutboundRequest &&request)
{
    QMutexLocker lock(&m_mutex);
    m_outbound.push_back(std::move(request));
    if (m_outboundWakePending)
        return false;
    m_outboundWakePending = true;
    return true;
}

void IoChannel::takeOutbound(std::vector<OutboundRequest> &out, std::size_t maxCount)
{
    QMutexLocker lock(&m_mutex);
    while (!m_outbound.empty() && out.size() < maxCount) {
        out.push_back(std::move(m_outbound.front()));
        m_outbound.pop_front();
    }
    if (m_outbound.empty())
        m_outboundWakePending = false;
}

void IoChannel::clearOutbound()
{
    QMutexLocker lock(&m_mutex);
    m_outbound.clear();
    m_outboundWakePending = false;
}

std::size_t IoChannel::outboundSize() const
{
    QMutexLocker lock(&m_mutex);
    return m_outbound.size();
}

bool IoChannel::pushInbound(std::vector<InboundMessage> &messages)
{
    QMutexLocker lock(&m_mutex);
    if (m_inbound.empty()) {
        m_inbound.swap(messages);
    } else {
        for (InboundMessage &message : messages)
            m_inbound.push_back(std::move(message));
    }
    messages.clear();
    if (m_inboundWakePending)
        return false;
    m_inboundWakePending = true;
    return true;
}

std::vector<InboundMessage> IoChannel::takeInbound()
{
    QMutexLocker lock(&m_mutex);
    std::vector<InboundMessage> taken;
    taken.swap(m_inbound);
    m_inboundWakePending = false;
    return taken;
}
