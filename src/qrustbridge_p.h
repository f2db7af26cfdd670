#pragma once

#include <QRustBridge/qrustbinarylocator.h>
#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrusttcpoptions.h>

#include "bridgelog_p.h"
#include "iochannel_p.h"
#include "pendingtable_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFutureInterface>
#include <QtCore/QSet>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <deque>
#include <memory>
#include <optional>

class IoWorker;
class ThreadWaker;

// The bridge's state on its own thread: life cycle, pending requests,
// timeouts. Bytes and JSON live on the I/O thread (IoWorker).
class QRustBridgePrivate
{
public:
    enum class Mode { None, Stdio, Socket, Tcp, Custom };

    QRustBridgePrivate(QRustBridge *q, const QRustBridgeOptions &options);
    ~QRustBridgePrivate();

    QFuture<bool> start(Mode mode, QRustTransport *transport);
    QRustTransport *createTransport();
    void openTransport(QRustTransport *transport);
    void postCommand(const IoCommand &command);
    void stop();
    void shutdownForDestruction();

    quint64 enqueue(const QString &method, const QJsonValue &params);
    QFuture<QJsonValue> sendCommand(const QString &method, const QJsonValue &params);
    void sendCommand(const QString &method, const QJsonValue &params, const QObject *context,
                     QRustBridge::ReplyHandler onReply);
    void addDeadline(quint64 id);
    QRustStream *sendCommandStreaming(const QString &method, const QJsonValue &params);
    void cancelStream(quint64 id);
    void watchForCancel();
    void checkWatchedCancellations();
    void pollCancellations();
    // Cancels the raw request of each typed future that was cancelled, for
    // the first `limit` links; drops links whose request finished.
    void forwardTypedCancellations(std::size_t limit);
    void sendCancelMessage(quint64 id);

    void drainInbound();
    void handle(InboundMessage &message);
    void handleEvent(const InboundMessage &message);
    void handleClosed(const InboundMessage &message);
    void handleOpenFailed(const QRustBridgeError &error);
    void handleStartFailure(const QRustBridgeError &error);

    void armRequestTimer();
    void onRequestTimer();
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
    const QRustSocketOptions &reconnectPolicy() const;

    QRustBridge *q;
    QRustBridgeOptions options;
    BridgeLog log;
    QRustBinaryLocator locator;
    QRustBridge::State state = QRustBridge::State::NotRunning;
    QRustBridgeError lastError;
    Mode mode = Mode::None;

    QThread ioThread;
    IoChannel channel;
    IoWorker *worker = nullptr;       // lives on ioThread, deletes itself there
    ThreadWaker *inboundWaker = nullptr;  // child of q: runs drainInbound()
    // An emptied batch vector, handed back to the I/O thread with its capacity.
    std::vector<InboundMessage> spareInbound;
    static constexpr std::size_t maxSpareInbound = 4096;
    quint64 generation = 0;
    quint64 nextId = 1;
    qint64 processId = 0;
    std::optional<int> lastExitCode;
    QProcess::ExitStatus lastExitStatus = QProcess::NormalExit;

    PendingTable pending;
    QSet<quint64> ignoredIds;  // cancelled or timed-out requests and cancel messages: drop their replies quietly

    std::optional<QFutureInterface<bool>> startPromise;  // not a QPromise: see PendingTable::Entry
    QTimer readyTimer;

    QElapsedTimer clock;
    std::deque<std::pair<qint64, quint64>> deadlines;  // (deadline ms, id), in send order
    QTimer requestTimer;

    // Runs while requests are pending: requests beyond PendingTable::maxWatchedEntries,
    // and any cancelled from another thread, notice QFuture::cancel() this late at most.
    static constexpr int cancelPollIntervalMs = 10;
    QTimer cancelPollTimer;
    // The watched entries are checked whenever the bridge's thread is about to wait.
    // send<>()'s typed futures and the requests they came from, in send order.
    struct CancelLink
    {
        QFuture<void> typed;
        QFuture<QJsonValue> raw;
    };
    std::deque<CancelLink> cancelLinks;
    QThread *cancelCheckThread = nullptr;
    QMetaObject::Connection cancelCheckConnection;

    QString socketPath;
    QRustSocketOptions socketOptions;
    QString tcpHost;
    quint16 tcpPort = 0;
    QRustTcpOptions tcpOptions;
    QTimer reconnectTimer;
    int reconnectAttempt = 0;

    bool destroying = false;
};
