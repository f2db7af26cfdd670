#pragma once

#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>

#include <deque>
#include <functional>
#include <utility>

// Request timeouts: the deadlines of the requests in flight, in send order,
// behind one precise timer armed for the earliest. A timer per request would
// cost a QObject-level registration each; requests mostly finish in order,
// so finished ones are dropped from the front as new ones come.
class DeadlineQueue
{
public:
    // `isPending(id)`: the request still waits (finished ones are skipped).
    // `expire(id)`: its time is up; returns false if that destroyed the owner
    // (and this queue with it), which stops the walk at once.
    DeadlineQueue(QObject *context, std::function<bool(quint64)> isPending,
                  std::function<bool(quint64)> expire);

    // `timeoutMs` from now, never earlier.
    void add(quint64 id, int timeoutMs);
    void stop();
    std::size_t size() const { return m_deadlines.size(); }

private:
    void dropFinished();
    void arm();
    void onTimer();

    std::function<bool(quint64)> m_isPending;
    std::function<bool(quint64)> m_expire;
    QElapsedTimer m_clock;
    std::deque<std::pair<qint64, quint64>> m_deadlines;  // (deadline ms, id), in send order
    QTimer m_timer;
};
