#include "canceldetector_p.h"

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QThread>

#include <algorithm>

CancelDetector::CancelDetector(QObject *context, Hooks hooks)
    : m_context(context)
    , m_hooks(std::move(hooks))
{
    QObject::connect(&m_pollTimer, &QTimer::timeout, context, [this] { poll(); });
}

CancelDetector::~CancelDetector()
{
    QObject::disconnect(m_checkConnection);
}

void CancelDetector::watch(QThread *thread)
{
    // Same-thread QFuture::cancel() is noticed before the thread next waits;
    // from another thread (or beyond the watched entries) within a poll interval.
    if (m_checkThread != thread) {
        QObject::disconnect(m_checkConnection);
        m_checkThread = thread;
        if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance(thread)) {
            m_checkConnection = QObject::connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, m_context,
                                                 [this] { checkWatched(); });
        }
    }
    if (!m_pollTimer.isActive())
        m_pollTimer.start(pollIntervalMs);
}

int CancelDetector::pollInterval(std::size_t pending)
{
    const std::size_t scaled = pending / requestsPerPollInterval * std::size_t(pollIntervalMs);
    return int(std::clamp(scaled, std::size_t(pollIntervalMs), std::size_t(60000)));
}

void CancelDetector::link(const QFuture<void> &typed, const QFuture<QJsonValue> &raw)
{
    m_links.push_back({typed, raw});
}

void CancelDetector::stop()
{
    m_pollTimer.stop();
    QObject::disconnect(m_checkConnection);
    m_checkThread = nullptr;
    m_links.clear();
}

void CancelDetector::forwardTypedCancellations(std::size_t limit)
{
    // Requests mostly finish in send order: dropping from the front keeps the deque short.
    while (!m_links.empty() && m_links.front().raw.isFinished())
        m_links.pop_front();
    if (limit >= m_links.size()) {
        m_links.erase(std::remove_if(m_links.begin(), m_links.end(),
                                     [](const Link &link) { return link.raw.isFinished(); }),
                      m_links.end());
    }
    const std::size_t count = std::min(limit, m_links.size());
    for (std::size_t i = 0; i < count; ++i) {
        Link &link = m_links[i];
        // The raw request's own check (in the callers) then finishes it and tells the backend.
        if (link.typed.isCanceled() && !link.raw.isFinished())
            link.raw.cancel();
    }
}

void CancelDetector::checkWatched()
{
    forwardTypedCancellations(std::size_t(watchedLinks));
    if (!m_hooks.hasWatched())
        return;
    for (quint64 id : m_hooks.watchedCancellations()) {
        if (!m_hooks.cancel(id))
            return;
    }
}

void CancelDetector::poll()
{
    forwardTypedCancellations(m_links.size());
    for (quint64 id : m_hooks.allCancellations()) {
        if (!m_hooks.cancel(id))
            return;
    }
    const std::size_t pending = m_hooks.pendingCount();
    if (pending == 0) {
        m_pollTimer.stop();
        m_links.clear();  // every request they point to has finished
    } else if (const int interval = pollInterval(pending); interval != m_pollTimer.interval()) {
        m_pollTimer.setInterval(interval);
    }
}
