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

void IoChannel::setInboundLimits(qint64 maxBytes, std::size_t maxCount)
{
    Lock lock(m_mutex);
    m_inboundMaxBytes = maxBytes;
    m_inboundMaxCount = maxCount;
}

IoChannel::InboundPushResult IoChannel::pushInbound(std::vector<InboundMessage> &messages,
                                                    qint64 lineBytes)
{
    Lock lock(m_mutex);
    m_inboundBytes += lineBytes;
    if (m_inbound.empty()) {
        // `messages` gets back the (empty) vector the bridge last returned, with its capacity.
        m_inbound.swap(messages);
    } else {
        std::move(messages.begin(), messages.end(), std::back_inserter(m_inbound));
        messages.clear();
    }
    InboundPushResult result;
    result.wakeBridge = claimWake(m_inboundWakePending);
    result.overLimit = m_inboundBytes > m_inboundMaxBytes || m_inbound.size() > m_inboundMaxCount;
    if (result.overLimit)
        m_resumeReadingOnTake = true;
    return result;
}

bool IoChannel::takeInbound(std::vector<InboundMessage> &out)
{
    Lock lock(m_mutex);
    out.swap(m_inbound);
    m_inboundBytes = 0;
    m_inboundWakePending = false;
    if (!m_resumeReadingOnTake)
        return false;
    m_resumeReadingOnTake = false;
    m_commands.push_back({IoCommand::Kind::ResumeReading});
    return claimWake(m_commandWakePending);
}

bool IoChannel::inboundOverLimit() const
{
    Lock lock(m_mutex);
    return m_resumeReadingOnTake;
}

void IoChannel::reopen()
{
    Lock lock(m_mutex);
    m_shutDown = false;
    m_commands.clear();
    m_commandWakePending = false;
    m_outboundWakePending = false;
    m_resumeReadingOnTake = false;
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
