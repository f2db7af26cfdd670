#include "iochannel_p.h"

#include <iterator>

using Lock = std::lock_guard<std::mutex>;

namespace {

// Sets a wake flag; true if it was clear, i.e. the caller must post a wake-up.
bool claimWake(bool &wakePending)
{
    if (wakePending)
        return false;
    wakePending = true;
    return true;
}

} // namespace

bool IoChannel::pushOutbound(OutboundRequest &&request)
{
    Lock lock(m_mutex);
    m_outbound.push_back(std::move(request));
    return claimWake(m_outboundWakePending);
}

bool IoChannel::pushCommand(IoCommand command)
{
    Lock lock(m_mutex);
    m_commands.push_back(command);
    return claimWake(m_commandWakePending);
}

void IoChannel::takeOutbound(std::vector<OutboundRequest> &out, std::size_t maxCount)
{
    Lock lock(m_mutex);
    while (!m_outbound.empty() && out.size() < maxCount) {
        out.push_back(std::move(m_outbound.front()));
        m_outbound.pop_front();
    }
    if (m_outbound.empty())
        m_outboundWakePending = false;
}

std::vector<IoCommand> IoChannel::takeCommands()
{
    Lock lock(m_mutex);
    std::vector<IoCommand> taken;
    taken.swap(m_commands);
    m_commandWakePending = false;
    return taken;
}

void IoChannel::clearOutbound()
{
    Lock lock(m_mutex);
    m_outbound.clear();
    m_outboundWakePending = false;
}

std::size_t IoChannel::outboundSize() const
{
    Lock lock(m_mutex);
    return m_outbound.size();
}

bool IoChannel::pushInbound(std::vector<InboundMessage> &messages)
{
    Lock lock(m_mutex);
    if (m_inbound.empty()) {
        // `messages` gets back the (empty) vector the bridge last returned, with its capacity.
        m_inbound.swap(messages);
    } else {
        std::move(messages.begin(), messages.end(), std::back_inserter(m_inbound));
        messages.clear();
    }
    return claimWake(m_inboundWakePending);
}

void IoChannel::takeInbound(std::vector<InboundMessage> &out)
{
    Lock lock(m_mutex);
    out.swap(m_inbound);
    m_inboundWakePending = false;
}

void IoChannel::markShutDown()
{
    Lock lock(m_mutex);
    m_shutDown = true;
    m_shutDownCondition.notify_all();
}

void IoChannel::waitUntilShutDown()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_shutDownCondition.wait(lock, [this] { return m_shutDown; });
}
