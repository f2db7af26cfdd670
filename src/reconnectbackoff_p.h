#pragma once

#include <QRustBridge/qrustsocketoptions.h>

#include <QtCore/QTimer>

#include <functional>

// When to try reconnecting a lost socket or TCP connection: exponential
// backoff from QRustSocketOptions::reconnectBaseDelayMs, capped at
// reconnectMaxDelayMs, for at most maxReconnectAttempts attempts.
class ReconnectBackoff
{
public:
    // `attempt` runs when a scheduled attempt is due.
    ReconnectBackoff(QObject *context, std::function<void()> attempt);

    // Starts the timer for the next attempt; false (and nothing scheduled)
    // once the policy's attempts are used up.
    bool scheduleNext(const QRustSocketOptions &policy);
    // The connection is back, or a new one starts: the next schedule waits the base delay.
    void reset() { m_attempt = 0; }
    void stop() { m_timer.stop(); }
    // Attempts scheduled since the last reset().
    int attempt() const { return m_attempt; }
    bool isScheduled() const { return m_timer.isActive(); }
    int scheduledDelayMs() const { return m_timer.interval(); }

    // The delay before attempt number `attempt + 1` (0-based `attempt`).
    static qint64 delayMs(int attempt, const QRustSocketOptions &policy);

private:
    QTimer m_timer;
    int m_attempt = 0;
};
