#pragma once

#include <QRustBridge/qrustbridgeerror.h>

#include <QtCore/QFutureWatcher>
#include <QtCore/QJsonValue>
#include <QtCore/QPointer>
#include <QtCore/QPromise>

#include <unordered_map>

class QRustStream;

// The requests waiting for a response, on the bridge's thread. Every way a
// request can end goes through take(), so each finishes exactly once.
class PendingTable
{
public:
    struct Entry
    {
        QString method;
        QPromise<QJsonValue> promise;
        QFutureWatcher<QJsonValue> *cancelWatcher = nullptr;  // notices QFuture::cancel() at once
        QPointer<QRustStream> stream;                          // set for streaming requests
    };

    // A QFutureWatcher per request costs a posted event and a scan of the
    // thread's posted-event list in setFuture(): quadratic with thousands in
    // flight. So only this many requests get one; the rest are polled.
    static constexpr int maxWatchedEntries = 64;

    PendingTable();
    ~PendingTable();

    Entry &add(quint64 id, const QString &method);
    // Gives `entry` a watcher calling `onCanceled` if fewer than maxWatchedEntries have one.
    template <typename Slot>
    void watchForCancel(Entry &entry, QObject *context, Slot onCanceled);
    // Ids of entries without a watcher whose future was cancelled.
    std::vector<quint64> polledCancellations() const;
    // Entries that can only be noticed as cancelled by polling.
    int polledCount() const { return size() - m_watched; }
    Entry *find(quint64 id);
    bool contains(quint64 id) const;
    int size() const;
    std::vector<quint64> ids() const;

    // These remove the entry before completing it, so code that runs during
    // completion (continuations, slots) sees a consistent table, and they
    // touch no member afterwards: that code may destroy the bridge.
    void resolve(quint64 id, const QJsonValue &result);
    void reject(quint64 id, const QRustBridgeError &error);
    // Finishes the future as cancelled; a stream also emits failed(Cancelled).
    void cancel(quint64 id, const QRustBridgeError &cancelled);
    // `error` gets each entry's method and id filled in.
    void rejectAll(const QRustBridgeError &error);

    static void completeRejected(Entry &entry, const QRustBridgeError &error);

private:
    using Map = std::unordered_map<quint64, Entry>;
    // Unlinks the entry without moving it: a default-constructed Entry to move
    // into would build (and tear down) a whole QFutureInterface per request.
    Map::node_type take(quint64 id);
    void dropWatcher(Entry &entry);
    Map m_entries;
    int m_watched = 0;
};

template <typename Slot>
void PendingTable::watchForCancel(Entry &entry, QObject *context, Slot onCanceled)
{
    if (m_watched >= maxWatchedEntries)
        return;
    ++m_watched;
    entry.cancelWatcher = new QFutureWatcher<QJsonValue>(context);
    QObject::connect(entry.cancelWatcher, &QFutureWatcherBase::canceled, context, std::move(onCanceled));
    entry.cancelWatcher->setFuture(entry.promise.future());
}
