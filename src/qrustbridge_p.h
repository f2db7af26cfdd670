#pragma once

#include <QRustBridge/qrustbinarylocator.h>
#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrusttcpoptions.h>

#include "bridgelog_p.h"
#include "canceldetector_p.h"
#include "deadlinequeue_p.h"
#include "iochannel_p.h"
#include "ioworker_p.h"
#include "reconnectbackoff_p.h"
#include "replyrouter_p.h"
#include "transportfactory_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFutureInterface>
#include <QtCore/QSet>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <deque>
#include <memory>
#include <optional>

class ThreadWaker;

// The bridge's state on its own thread: life cycle, pending requests,
// timeouts. Bytes and JSON live on the I/O thread (IoWorker).
class QRustBridgePrivate
{
public:
    QRustBridgePrivate(QRustBridge *q, const QRustBridgeOptions &options);
    ~QRustBridgePrivate();

    // `transport` is connectTransport()'s; otherwise `factory` builds one.
    QFuture<bool> start(TransportFactory factory, QRustTransport *transport);
    void openTransport(QRustTransport *transport);
    void postCommand(const IoCommand &command);
    void stop();
    void shutdownForDestruction();
    // Makes the worker for a connection that needs `placement`, replacing one of the other kind.
    void ensureWorker(IoWorker::Placement placement);
    void destroyWorker();

    quint64 enqueue(const QString &method, const QJsonValue &params);
    QFuture<QJsonValue> sendCommand(const QString &method, const QJsonValue &params);
    void sendCommand(const QString &method, const QJsonValue &params, const QObject *context,
                     QRustBridge::ReplyHandler onReply);
    QRustStream *sendCommandStreaming(const QString &method, const QJsonValue &params);
    // Cancels any pending request (plain, callback or stream), as QFuture::cancel() or QRustStream::cancel() asks.
    void cancelRequest(quint64 id);
    // Ends request `id` with a Timeout; returns false if that destroyed the bridge.
    bool timeOut(quint64 id);
    // Tells the backend to stop working on `id` (options.cancelMethod); the cancel message's own reply is ignored.
    void sendCancelMessage(quint64 id);

    void drainInbound();
    void handle(InboundMessage &message);
    void routeReply(const InboundMessage &message);
    void handleEvent(const InboundMessage &message);
    void handleClosed(const InboundMessage &message);
    void handleOpenFailed(const QRustBridgeError &error);
    void handleStartFailure(const QRustBridgeError &error);
    bool acceptSchema(const QJsonValue &readyData);
    QString schemaMismatchMessage(const QJsonValue &readyData) const;

    void onReadyTimeout();
    void scheduleReconnect();
    void attemptReconnect();

    // These emit signals: callers must check `alive` afterwards.
    void setState(QRustBridge::State state);
    void setError(const QRustBridgeError &error);
    void finishStart(bool ok);

    QRustBridgeError notRunningError(const QString &method) const;
    QRustBridgeError transportLostError(const QString &why) const;
    int streamTimeoutMs() const;

    QRustBridge *q;
    QRustBridgeOptions options;
    BridgeLog log;
    QRustBinaryLocator locator;
    QRustBridge::State state = QRustBridge::State::NotRunning;
    QRustBridgeError lastError;
    TransportFactory transportFactory;  // of the current (or last) connection

    QThread ioThread;
    IoChannel channel;
    // Made by the first connection. OwnThread: lives on ioThread, deletes
    // itself there. BridgeThread: a child of q (so it follows the bridge to
    // another thread), deleted by destroyWorker().
    IoWorker *worker = nullptr;
    ThreadWaker *inboundWaker = nullptr;  // child of q: runs drainInbound()
    // An emptied batch vector, handed back to the I/O thread with its capacity.
    std::vector<InboundMessage> spareInbound;
    static constexpr std::size_t maxSpareInbound = 4096;
    quint64 generation = 0;
    quint64 nextId = 1;
    qint64 processId = 0;
    std::optional<int> lastExitCode;
    QProcess::ExitStatus lastExitStatus = QProcess::NormalExit;

    ReplyRouter replies;  // pending requests, and ended ones whose late replies are dropped
    PendingTable &pending() { return replies.pending(); }

    std::optional<QFutureInterface<bool>> startPromise;  // not a QPromise: see PendingTable::Entry
    QTimer readyTimer;

    DeadlineQueue deadlines;     // request timeouts (not streams': those time out on silence)
    CancelDetector cancellations;  // notices QFuture::cancel() on pending requests

    ReconnectBackoff reconnect;

    bool destroying = false;
};
