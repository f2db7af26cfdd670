#pragma once

#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrustbridgeerror.h>

#include "guardedreplyhandler_p.h"

#include <QtCore/QFutureInterface>
#include <QtCore/QJsonValue>
#include <QtCore/QPointer>

#include <optional>
#include <unordered_map>
#include <vector>

class QRustStream;

// The requests waiting for a response, on the bridge's thread. Every way a
// request can end unlinks its entry first (take(), or rejectAll() emptying
// the whole table) and then completes it through finish(), so each finishes
// exactly once.
class PendingTable
{
public:
    // Each entry ends through exactly one of these: its promise (sendCommand()
    // returning a QFuture, streams) or its handler (the callback overload).
    struct Entry
    {
        Entry() = default;
        Q_DISABLE_COPY_MOVE(Entry)
        // Safety net: an unfinished promise ends cancelled, never pending forever.
        ~Entry();

        QString method;
        // Not a QPromise: ~QPromise (Qt 6.4) frees the states of continuations
        // that already ran while the caller's QFuture still points at them, so
        // a later QFuture::cancel() writes to freed memory (docs/cancellation.md).
        std::optional<QFutureInterface<QJsonValue>> promise;
        GuardedReplyHandler handler;  // not called once its context is gone
        QPointer<QRustStream> stream;  // set for streaming requests
        bool watched = false;          // checked for QFuture::cancel() on every event-loop turn
    };

    // QFuture::cancel() has no cheap notification: a QFutureWatcher per
    // request costs a QObject, a syscall, six posted events and a scan of
    // the thread's posted-event list. So the first this many requests in
    // flight are checked (an atomic load each) whenever the bridge's thread
    // is about to wait, and every request by a timer.
    static constexpr int maxWatchedEntries = 64;

    PendingTable();
    ~PendingTable();

    // An entry with a promise; it is watched if fewer than maxWatchedEntries are.
    Entry &add(quint64 id, const QString &method);
    // An entry completed by calling `handler` (never watched: it has no QFuture to cancel).
    Entry &addWithHandler(quint64 id, const QString &method, const QObject *context,
                          QRustBridge::ReplyHandler handler);
    // Ids of watched entries whose future was cancelled.
    std::vector<quint64> watchedCancellations() const;
    // Ids of all entries whose future was cancelled (walks the whole table).
    std::vector<quint64> polledCancellations() const;
    int watchedCount() const { return int(m_watchedIds.size()); }
    Entry *find(quint64 id);
    bool contains(quint64 id) const;
    int size() const;
    std::vector<quint64> ids() const;
    // Hands a chunk to the stream waiting as `id`; false if there is none.
    bool deliverChunk(quint64 id, const QJsonValue &chunk);

    // These remove the entry before completing it, so code that runs during
    // completion (continuations, slots) sees a consistent table, and they
    // touch no member afterwards: that code may destroy the bridge.
    void resolve(quint64 id, const QJsonValue &result);
    void reject(quint64 id, const QRustBridgeError &error);
    // Finishes the future as cancelled; a stream also emits failed(Cancelled).
    void cancel(quint64 id, const QRustBridgeError &cancelled);
    // `error` gets each entry's method and id filled in.
    void rejectAll(const QRustBridgeError &error);

private:
    // How an entry ends: a result, an error, or cancelled (which also carries
    // the Cancelled error, for reply handlers and streams).
    struct Outcome
    {
        enum class Kind { Result, Error, Cancelled };
        Kind kind;
        const QJsonValue &result;
        const QRustBridgeError &error;
    };
    // The one place an unlinked entry is completed: its handler, or its
    // promise and then its stream.
    static void finish(Entry &entry, const Outcome &outcome);

    using Map = std::unordered_map<quint64, Entry>;
    // Unlinks the entry without moving it: a default-constructed Entry to move
    // into would build (and tear down) a whole QFutureInterface per request.
    Map::node_type take(quint64 id);
    Map m_entries;
    std::vector<quint64> m_watchedIds;
};
