#pragma once

#include "messages_p.h"

#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <vector>

class QRustTransport;

// What the bridge's thread asks of the I/O thread besides writing requests.
struct IoCommand
{
    enum class Kind {
        OpenTransport,   // transport (already moved to the I/O thread), generation
        CloseTransport,  // graceful stop of the current transport (kill())
        Shutdown,        // bridge destruction: stop everything, then the thread
        ResumeReading,   // the bridge took the inbound queue that had paused reading
    };
    Kind kind = Kind::CloseTransport;
    QRustTransport *transport = nullptr;
    quint64 generation = 0;
};

// Everything that crosses between the bridge's thread and its I/O thread:
// requests and commands one way, reports the other. Each side is woken by
// at most one data-free wake-up per batch (ThreadWaker); the wake flags say
// whether the other side already has one on its way.
//
// A std::mutex, not a QMutex: ThreadSanitizer intercepts pthread mutexes,
// so it sees that everything handed over here is ordered.
class IoChannel
{
public:
    // Bridge thread. Each returns true if the I/O thread must be woken.
    bool pushOutbound(OutboundRequest &&request);
    bool pushCommand(IoCommand command);
    // I/O thread. Takes up to maxCount requests; clears the wake flag when
    // the queue runs empty.
    void takeOutbound(std::vector<OutboundRequest> &out, std::size_t maxCount);
    // I/O thread. Takes every command, in the order they were pushed.
    std::vector<IoCommand> takeCommands();
    // Either thread: drops unsent requests (their pending entries fail elsewhere).
    void clearOutbound();

    // Inbound flow control: above either limit the I/O thread stops reading.
    // Set once, by the I/O thread's worker before the thread starts.
    void setInboundLimits(qint64 maxBytes, std::size_t maxCount);

    struct InboundPushResult
    {
        bool wakeBridge = false;  // the bridge's thread must be woken
        bool overLimit = false;   // stop reading: a ResumeReading command follows the next take
    };
    // I/O thread. `lineBytes` is the size of the lines the messages came from.
    InboundPushResult pushInbound(std::vector<InboundMessage> &messages, qint64 lineBytes);
    // Bridge thread. Swaps everything into `out` (which must be empty) and
    // clears the wake flag. `out`'s capacity goes to the I/O thread's next
    // batch: hand back a drained vector, and no batch reallocates in steady state.
    // Returns true if the I/O thread must be woken: it had stopped reading,
    // and the queue it stopped for is gone (so the low-water mark is empty).
    [[nodiscard]] bool takeInbound(std::vector<InboundMessage> &out);
    // I/O side: a push went over a limit and the bridge has not taken the
    // queue since (so a ResumeReading command is still to come).
    bool inboundOverLimit() const;

    // I/O thread, last touch of anything shared: after this the bridge's
    // thread may destroy the channel and everything the I/O thread was given.
    void markShutDown();
    // Bridge thread: blocks until markShutDown().
    void waitUntilShutDown();
    // Bridge thread, before a new worker takes over a shut-down channel.
    void reopen();

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_shutDownCondition;
    std::deque<OutboundRequest> m_outbound;
    std::vector<IoCommand> m_commands;
    std::vector<InboundMessage> m_inbound;
    qint64 m_inboundBytes = 0;
    qint64 m_inboundMaxBytes = std::numeric_limits<qint64>::max();
    std::size_t m_inboundMaxCount = std::numeric_limits<std::size_t>::max();
    bool m_resumeReadingOnTake = false;
    bool m_outboundWakePending = false;
    bool m_commandWakePending = false;
    bool m_inboundWakePending = false;
    bool m_shutDown = false;
};
