#pragma once

#include "messages_p.h"

#include <QtCore/QMutex>

#include <deque>
#include <vector>

// The two queues between the bridge's thread and its I/O thread. Each side
// is woken by at most one queued call per batch: the wake flags say whether
// the other side already has a wake-up on its way.
class IoChannel
{
public:
    // Bridge thread. Returns true if the I/O thread must be woken.
    bool pushOutbound(OutboundRequest &&request);
    // I/O thread. Takes up to maxCount requests; clears the wake flag when
    // the queue runs empty.
    void takeOutbound(std::vector<OutboundRequest> &out, std::size_t maxCount);
    // Either thread: drops unsent requests (their pending entries fail elsewhere).
    void clearOutbound();
    std::size_t outboundSize() const;

    // I/O thread. Returns true if the bridge's thread must be woken.
    bool pushInbound(std::vector<InboundMessage> &messages);
    // Bridge thread. Takes everything and clears the wake flag.
    std::vector<InboundMessage> takeInbound();

private:
    mutable QMutex m_mutex;
    std::deque<OutboundRequest> m_outbound;
    std::vector<InboundMessage> m_inbound;
    bool m_outboundWakePending = false;
    bool m_inboundWakePending = false;
};
