#pragma once

#include <QtCore/QFuture>
#include <QtCore/QJsonValue>
#include <QtCore/QTimer>

#include <deque>
#include <functional>
#include <vector>

class QThread;

// Notices QFuture::cancel() on the bridge's requests. Qt offers no cheap
// notification (a QFutureWatcher per request costs a QObject, a syscall and
// six posted events), so three kinds of check run instead:
//  - the watched requests (PendingTable::maxWatchedEntries) whenever the
//    bridge's thread is about to wait: a same-thread cancel is noticed
//    before the thread next sleeps;
//  - every request, by a poll timer while requests are pending: cancels from
//    another thread, or of requests beyond the watched ones. The walk costs
//    a cache miss per request, so with many thousands in flight the interval
//    grows with their number (pollInterval()) and the walk stays a small
//    share of the thread's time;
//  - send<>()'s typed futures: cancelling one cancels the raw request it came
//    from, which the two checks above then notice.
class CancelDetector
{
public:
    struct Hooks
    {
        std::function<std::vector<quint64>()> watchedCancellations;  // cheap: the watched entries only
        std::function<std::vector<quint64>()> allCancellations;      // walks every pending request
        std::function<bool()> hasWatched;
        std::function<std::size_t()> pendingCount;
        // Cancels request `id`; returns false if that destroyed the owner
        // (and this detector with it), which stops the check at once.
        std::function<bool(quint64)> cancel;
    };

    static constexpr int pollIntervalMs = 10;
    // Beyond this many pending requests the interval grows in proportion:
    // 10 ms per 10 000 (a walk of 10 000 takes some 0.3 ms).
    static constexpr std::size_t requestsPerPollInterval = 10000;
    static int pollInterval(std::size_t pending);
    // Typed links checked whenever the thread is about to wait: as many as
    // PendingTable watches (the bridge asserts they agree).
    static constexpr int watchedLinks = 64;

    CancelDetector(QObject *context, Hooks hooks);
    ~CancelDetector();

    // A request is pending on `thread`'s event loop: make sure the checks run there.
    void watch(QThread *thread);
    // Cancelling `typed` cancels `raw` (send<>()'s typed future and its request).
    void link(const QFuture<void> &typed, const QFuture<QJsonValue> &raw);
    void stop();

    void checkWatched();
    void poll();
    bool isPolling() const { return m_pollTimer.isActive(); }
    int currentPollIntervalMs() const { return m_pollTimer.interval(); }
    std::size_t linkCount() const { return m_links.size(); }

private:
    // Cancels the raw request of each cancelled typed future, for the first
    // `limit` links; drops links whose request finished.
    void forwardTypedCancellations(std::size_t limit);

    struct Link
    {
        QFuture<void> typed;
        QFuture<QJsonValue> raw;
    };

    QObject *m_context;
    Hooks m_hooks;
    QTimer m_pollTimer;
    std::deque<Link> m_links;  // in send order
    QThread *m_checkThread = nullptr;
    QMetaObject::Connection m_checkConnection;
};
