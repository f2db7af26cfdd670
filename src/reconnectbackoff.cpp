#include "reconnectbackoff_p.h"

ReconnectBackoff::ReconnectBackoff(QObject *context, std::function<void()> attempt)
{
    m_timer.setSingleShot(true);
    QObject::connect(&m_timer, &QTimer::timeout, context, std::move(attempt));
}

qint64 ReconnectBackoff::delayMs(int attempt, const QRustSocketOptions &policy)
{
    // The shift is capped so a long outage cannot overflow it.
    return qMin<qint64>(qint64(policy.reconnectBaseDelayMs) << qMin(attempt, 30), policy.reconnectMaxDelayMs);
}

bool ReconnectBackoff::scheduleNext(const QRustSocketOptions &policy)
{
    if (m_attempt >= policy.maxReconnectAttempts)
        return false;
    const qint64 delay = delayMs(m_attempt, policy);
    ++m_attempt;
    m_timer.start(int(delay));
    return true;
}
