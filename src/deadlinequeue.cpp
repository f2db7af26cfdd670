#include "deadlinequeue_p.h"

DeadlineQueue::DeadlineQueue(QObject *context, std::function<bool(quint64)> isPending,
                             std::function<bool(quint64)> expire)
    : m_isPending(std::move(isPending))
    , m_expire(std::move(expire))
{
    m_clock.start();
    // Coarse timers may fire up to 5% early; a timeout must never come before its time.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    QObject::connect(&m_timer, &QTimer::timeout, context, [this] { onTimer(); });
}

void DeadlineQueue::add(quint64 id, int timeoutMs)
{
    dropFinished();  // keeps the queue short
    m_deadlines.emplace_back(m_clock.elapsed() + timeoutMs, id);
    if (!m_timer.isActive())
        arm();
}

void DeadlineQueue::stop()
{
    m_timer.stop();
    m_deadlines.clear();
}

void DeadlineQueue::dropFinished()
{
    while (!m_deadlines.empty() && !m_isPending(m_deadlines.front().second))
        m_deadlines.pop_front();
}

void DeadlineQueue::arm()
{
    dropFinished();
    if (m_deadlines.empty())
        return;
    m_timer.start(int(qMax<qint64>(0, m_deadlines.front().first - m_clock.elapsed())));
}

void DeadlineQueue::onTimer()
{
    const qint64 now = m_clock.elapsed();
    while (!m_deadlines.empty() && m_deadlines.front().first <= now) {
        const quint64 id = m_deadlines.front().second;
        m_deadlines.pop_front();
        if (!m_isPending(id))
            continue;
        if (!m_expire(id))
            return;
    }
    arm();
}
