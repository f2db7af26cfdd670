#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrustlocalsockettransport.h>
#include <QRustBridge/qruststdiotransport.h>
#include <QRustBridge/qruststream.h>
#include <QRustBridge/qrusttcptransport.h>
#include <QRustBridge/qrusttypedcommand.h>

#include "guardedreplyhandler_p.h"
#include "ioworker_p.h"
#include "logging_p.h"
#include "messagecodec_p.h"
#include "qrustbridge_p.h"
#include "qruststream_p.h"

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QPromise>

#include <algorithm>

// ---------------------------------------------------------------------------
// QRustBridgePrivate

QRustBridgePrivate::QRustBridgePrivate(QRustBridge *q, const QRustBridgeOptions &options)
    : q(q)
    , options(options)
    , log(options.logger, q)
    , deadlines(q, [this](quint64 id) { return pending().contains(id); },
                [this](quint64 id) { return timeOut(id); })
    , cancellations(q, {[this] { return pending().watchedCancellations(); },
                        [this] { return pending().polledCancellations(); },
                        [this] { return pending().watchedCount() != 0; },
                        [this] { return std::size_t(pending().size()); },
                        [this](quint64 id) {
                            QPointer<QRustBridge> alive(this->q);
                            cancelRequest(id);
                            return !alive.isNull();
                        }})
    , reconnect(q, [this] { attemptReconnect(); })
{
    static_assert(CancelDetector::watchedLinks == PendingTable::maxWatchedEntries);
    qRegisterMetaType<QRustBridgeError>();
    // Coarse timers may fire up to 5% early; a timeout must never come before its time.
    readyTimer.setTimerType(Qt::PreciseTimer);
    readyTimer.setSingleShot(true);
    QObject::connect(&readyTimer, &QTimer::timeout, q, [this] { onReadyTimeout(); });

    // A child of q: it follows the bridge to another thread and, gone with
    // it, takes any wake-up still queued for it along.
    inboundWaker = new ThreadWaker([this] { drainInbound(); }, q);
    ioThread.setObjectName(QStringLiteral("QRustBridge I/O"));
    // The worker is made by the first connection, which says where it runs.
}

QRustBridgePrivate::~QRustBridgePrivate() = default;

void QRustBridgePrivate::shutdownForDestruction()
{
    destroying = true;
    state = QRustBridge::State::NotRunning;
    readyTimer.stop();
    deadlines.stop();
    reconnect.stop();
    cancellations.stop();
    const QRustBridgeError gone = transportLostError(QRustBridge::tr("the bridge was destroyed"));
    if (startPromise) {
        lastError = gone;
        finishStart(false);
    }
    replies.connectionLost(gone);
    destroyWorker();
}

void QRustBridgePrivate::destroyWorker()
{
    if (!worker)
        return;
    if (worker->placement() == IoWorker::Placement::BridgeThread) {
        if (worker->shutdownInPlace())
            delete worker;
    } else {
        // The worker deletes itself and ends the thread; the channel handshake
        // is what orders its last touches before our destruction of the rest.
        postCommand({IoCommand::Kind::Shutdown});
        channel.waitUntilShutDown();
        ioThread.wait();
    }
    worker = nullptr;
}

void QRustBridgePrivate::ensureWorker(IoWorker::Placement placement)
{
    if (worker && worker->placement() == placement)
        return;
    if (worker) {
        // Another kind of connection than the last one: only between
        // connections, so the old worker holds no transport.
        destroyWorker();
        channel.reopen();
    }
    worker = new IoWorker(placement, &channel, options, inboundWaker, &log);
    if (placement == IoWorker::Placement::OwnThread) {
        worker->moveToThread(&ioThread);
        ioThread.start();
    } else {
        worker->setParent(q);
    }
}

void QRustBridgePrivate::postCommand(const IoCommand &command)
{
    if (channel.pushCommand(command))
        worker->wake();
}

QRustBridgeError QRustBridgePrivate::notRunningError(const QString &method) const
{
    return QRustBridgeError(QRustBridgeError::Code::NotRunning,
                            QRustBridge::tr("cannot send \"%1\": the backend is not running").arg(method),
                            method);
}

QRustBridgeError QRustBridgePrivate::transportLostError(const QString &why) const
{
    return QRustBridgeError(transportFactory.lostCode(), why);
}

int QRustBridgePrivate::streamTimeoutMs() const
{
    return options.streamTimeoutMs < 0 ? options.requestTimeoutMs : options.streamTimeoutMs;
}

void QRustBridgePrivate::setState(QRustBridge::State newState)
{
    if (state == newState)
        return;
    const bool wasRunning = state == QRustBridge::State::Running;
    state = newState;
    const bool running = state == QRustBridge::State::Running;
    QPointer<QRustBridge> alive(q);
    Q_EMIT q->stateChanged(newState);
    if (alive && wasRunning != running)
        Q_EMIT q->runningChanged(running);
}

void QRustBridgePrivate::setError(const QRustBridgeError &error)
{
    lastError = error;
    // Debug, not warning: the application hears of it through errorOccurred().
    log.debug(QStringLiteral("bridge error: %1").arg(error.message()),
            {{QStringLiteral("code"), QRustBridgeError::codeName(error.code())}, {QStringLiteral("method"), error.method()}});
    Q_EMIT q->errorOccurred(error);
}

void QRustBridgePrivate::finishStart(bool ok)
{
    readyTimer.stop();
    if (!startPromise)
        return;
    QFutureInterface<bool> promise = std::move(*startPromise);
    startPromise.reset();
    promise.reportResult(ok);
    promise.reportFinished();
}

QFuture<bool> QRustBridgePrivate::start(TransportFactory factory, QRustTransport *transport)
{
    if (state != QRustBridge::State::NotRunning) {
        delete transport;
        lastError = QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                     QRustBridge::tr("the bridge is already started; call kill() first"));
        return QRustTyped::detail::finishedFuture(false);
    }
    transportFactory = std::move(factory);
    reconnect.reset();
    processId = 0;
    lastExitCode.reset();
    startPromise.emplace();
    startPromise->reportStarted();
    QFuture<bool> future = startPromise->future();

    if (!transport)
        transport = transportFactory.create(lastError);
    if (!transport) {
        QPointer<QRustBridge> alive(q);
        setError(lastError);
        if (alive)
            finishStart(false);
        return future;
    }
    readyTimer.start(options.readyTimeoutMs);
    openTransport(transport);
    setState(QRustBridge::State::Starting);
    return future;
}

void QRustBridgePrivate::openTransport(QRustTransport *transport)
{
    ++generation;
    const bool ownThread = transportFactory.needsOwnThread || options.dedicatedIoThread;
    ensureWorker(ownThread ? IoWorker::Placement::OwnThread : IoWorker::Placement::BridgeThread);
    if (ownThread)
        transport->moveToThread(&ioThread);
    postCommand({IoCommand::Kind::OpenTransport, transport, generation});
}

void QRustBridgePrivate::stop()
{
    using State = QRustBridge::State;
    if (state == State::NotRunning || state == State::Stopping)
        return;
    QPointer<QRustBridge> alive(q);
    const bool reconnecting = state == State::Reconnecting;
    reconnect.stop();
    const QRustBridgeError stopped = transportLostError(QRustBridge::tr("the backend was stopped by kill()"));
    if (startPromise) {
        lastError = QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                     QRustBridge::tr("start was interrupted by kill()"));
        finishStart(false);
        if (!alive)
            return;
    }
    // Answers may still arrive before the backend is gone: drop them quietly.
    replies.abandonAll(stopped);
    if (!alive)
        return;
    channel.clearOutbound();
    postCommand({IoCommand::Kind::CloseTransport});
    if (reconnecting) {
        // No live connection: whatever the current attempt reports is moot.
        ++generation;
        readyTimer.stop();
        setState(State::NotRunning);
        return;
    }
    setState(State::Stopping);
}

quint64 QRustBridgePrivate::enqueue(const QString &method, const QJsonValue &params)
{
    const quint64 id = nextId++;
    if (!channel.pushOutbound(OutboundRequest{id, method, params}))
        return id;  // the worker is already due to write
    // On this thread the worker writes at once (into the transport's buffer:
    // the system call comes from the event loop), saving a posted wake-up
    // per request. A burst still goes out in few writes.
    if (worker->placement() == IoWorker::Placement::BridgeThread)
        worker->writeFromBridge();
    else
        worker->wake();
    return id;
}

QFuture<QJsonValue> QRustBridgePrivate::sendCommand(const QString &method, const QJsonValue &params)
{
    if (state != QRustBridge::State::Running)
        return QRustTyped::detail::failedFuture<QJsonValue>(notRunningError(method));
    const quint64 id = enqueue(method, params);
    PendingTable::Entry &entry = pending().add(id, method);
    QFuture<QJsonValue> future = entry.promise->future();
    cancellations.watch(q->thread());
    deadlines.add(id, options.requestTimeoutMs);
    return future;
}

void QRustBridgePrivate::sendCommand(const QString &method, const QJsonValue &params, const QObject *context,
                                     QRustBridge::ReplyHandler onReply)
{
    const bool foreignContext = context && context->thread() != q->thread();
    if (foreignContext) {
        log.warning(QStringLiteral("sendCommand(\"%1\"): the context lives in another thread; "
                                   "the reply handler still runs in the bridge's thread").arg(method));
    }
    if (state != QRustBridge::State::Running) {
        // Queued, like the future overload's callers see it: never re-entrant.
        // The receiver lives in the bridge's thread and outlives the bridge, so
        // deleting the bridge first does not lose the call: the context, else
        // the thread's event dispatcher (the bridge only in a thread that has none yet).
        QObject *receiver = QAbstractEventDispatcher::instance(q->thread());
        if (context && !foreignContext)
            receiver = const_cast<QObject *>(context);
        else if (!receiver)
            receiver = q;
        QMetaObject::invokeMethod(
            receiver,
            [handler = GuardedReplyHandler(context, std::move(onReply)), error = notRunningError(method)] {
                handler(QJsonValue(), error);
            },
            Qt::QueuedConnection);
        return;
    }
    const quint64 id = enqueue(method, params);
    pending().addWithHandler(id, method, context, std::move(onReply));
    deadlines.add(id, options.requestTimeoutMs);
}

QRustStream *QRustBridgePrivate::sendCommandStreaming(const QString &method, const QJsonValue &params)
{
    auto *stream = new QRustStream(q);
    QRustStreamPrivate *sd = stream->d.get();
    sd->maxBuffered = qMax(0, options.streamBufferLimit);
    if (state != QRustBridge::State::Running) {
        const QRustBridgeError error = notRunningError(method);
        sd->future = QRustTyped::detail::failedFuture<QJsonValue>(error);
        sd->finished = true;
        // Queued, so the caller can connect to failed() first.
        QMetaObject::invokeMethod(stream, [stream, error] { Q_EMIT stream->failed(error); },
                                  Qt::QueuedConnection);
        return stream;
    }
    const quint64 id = enqueue(method, params);
    PendingTable::Entry &entry = pending().add(id, method);
    entry.stream = stream;
    sd->bridge = this;
    sd->id = id;
    sd->future = entry.promise->future();
    cancellations.watch(q->thread());
    QObject::connect(&sd->inactivityTimer, &QTimer::timeout, q, [this, id] {
        PendingTable::Entry *e = pending().find(id);
        if (!e || (e->stream && !e->stream->d->inactivityExpired()))
            return;
        const QString method = e->method;
        sendCancelMessage(id);
        replies.abandon(id, QRustBridgeError(QRustBridgeError::Code::StreamTimeout,
                                             QRustBridge::tr("stream \"%1\" was silent for %2 ms")
                                                 .arg(method).arg(streamTimeoutMs()),
                                             method, MessageCodec::requestIdString(id)));
    });
    if (streamTimeoutMs() > 0)
        sd->armInactivityTimer(streamTimeoutMs());
    return stream;
}

void QRustBridgePrivate::cancelRequest(quint64 id)
{
    PendingTable::Entry *entry = pending().find(id);
    if (!entry)
        return;
    const QString method = entry->method;
    sendCancelMessage(id);
    replies.cancel(id, QRustBridgeError(QRustBridgeError::Code::Cancelled,
                                        QRustBridge::tr("\"%1\" was cancelled").arg(method), method,
                                        MessageCodec::requestIdString(id)));
}

void QRustBridgePrivate::sendCancelMessage(quint64 id)
{
    if (options.cancelMethod.isEmpty() || state != QRustBridge::State::Running)
        return;
    const QJsonObject params{{QStringLiteral("id"), MessageCodec::requestIdString(id)}};
    replies.ignoreReplies(enqueue(options.cancelMethod, params));
}

bool QRustBridgePrivate::timeOut(quint64 id)
{
    PendingTable::Entry *entry = pending().find(id);
    if (!entry || entry->stream)
        return true;  // streams time out on silence instead
    QPointer<QRustBridge> alive(q);
    const QString method = entry->method;
    sendCancelMessage(id);
    replies.abandon(id, QRustBridgeError(QRustBridgeError::Code::Timeout,
                                         QRustBridge::tr("no response to \"%1\" within %2 ms")
                                             .arg(method).arg(options.requestTimeoutMs),
                                         method, MessageCodec::requestIdString(id)));
    return !alive.isNull();
}

void QRustBridgePrivate::onReadyTimeout()
{
    if (state != QRustBridge::State::Starting && state != QRustBridge::State::Reconnecting)
        return;
    const QRustBridgeError error(QRustBridgeError::Code::ReadyTimeout,
                                 QRustBridge::tr("the backend did not send \"%1\" within %2 ms")
                                     .arg(options.readyEventName).arg(options.readyTimeoutMs));
    if (state == QRustBridge::State::Reconnecting) {
        ++generation;  // ignore whatever this attempt still reports
        postCommand({IoCommand::Kind::CloseTransport});
        handleOpenFailed(error);
        return;
    }
    handleStartFailure(error);
    if (state == QRustBridge::State::Stopping)
        postCommand({IoCommand::Kind::CloseTransport});
}

// A start that ends without success; the transport, if any, is told to stop.
void QRustBridgePrivate::handleStartFailure(const QRustBridgeError &error)
{
    QPointer<QRustBridge> alive(q);
    lastError = error;
    // These two come while the backend still runs; it is stopped next.
    const bool transportStillUp = error.code() == QRustBridgeError::Code::ReadyTimeout
        || error.code() == QRustBridgeError::Code::SchemaMismatch;
    setState(transportStillUp ? QRustBridge::State::Stopping : QRustBridge::State::NotRunning);
    if (!alive)
        return;
    setError(error);
    if (!alive)
        return;
    finishStart(false);
}

void QRustBridgePrivate::handleOpenFailed(const QRustBridgeError &error)
{
    if (state == QRustBridge::State::Reconnecting) {
        log.debug(QStringLiteral("reconnect attempt %1 failed: %2").arg(reconnect.attempt()).arg(error.message()),
                  {{QStringLiteral("attempt"), reconnect.attempt()}});
        lastError = error;
        scheduleReconnect();
        return;
    }
    if (state == QRustBridge::State::Starting)
        handleStartFailure(error);
}

void QRustBridgePrivate::scheduleReconnect()
{
    if (reconnect.scheduleNext(*transportFactory.reconnectPolicy))
        return;
    QPointer<QRustBridge> alive(q);
    setState(QRustBridge::State::NotRunning);
    if (alive)
        Q_EMIT q->reconnectFailed();
}

void QRustBridgePrivate::attemptReconnect()
{
    if (state != QRustBridge::State::Reconnecting)
        return;
    log.debug(QStringLiteral("reconnect attempt %1").arg(reconnect.attempt()),
              {{QStringLiteral("attempt"), reconnect.attempt()}});
    readyTimer.start(options.readyTimeoutMs);
    QRustTransport *transport = transportFactory.create(lastError);
    Q_ASSERT(transport);  // only sockets and TCP reconnect, and building those cannot fail
    openTransport(transport);
}

void QRustBridgePrivate::drainInbound()
{
    // A local vector: a slot may destroy the bridge while we iterate.
    std::vector<InboundMessage> messages;
    messages.swap(spareInbound);
    if (channel.takeInbound(messages))
        worker->wake();  // it had stopped reading until we took these
    QPointer<QRustBridge> alive(q);
    for (InboundMessage &message : messages) {
        if (message.generation != generation)
            continue;  // from a transport we already left
        handle(message);
        if (!alive)
            return;  // a slot destroyed the bridge; its destructor failed what was pending
    }
    messages.clear();
    // Keep a moderate capacity for the next batch; let a burst's go.
    if (messages.capacity() <= maxSpareInbound)
        spareInbound.swap(messages);
}

void QRustBridgePrivate::handle(InboundMessage &message)
{
    using Kind = InboundMessage::Kind;
    switch (message.kind) {
    case Kind::Response:
    case Kind::Chunk:
    case Kind::RequestFailed:
        routeReply(message);
        return;
    case Kind::Event:
        handleEvent(message);
        return;
    case Kind::StderrLine:
        Q_EMIT q->standardErrorLine(message.text);
        return;
    case Kind::Opened:
        processId = message.pidOrExitCode;
        log.debug(QStringLiteral("transport open; waiting for the \"%1\" event").arg(options.readyEventName),
                  processId ? QJsonObject{{QStringLiteral("pid"), processId}} : QJsonObject{});
        return;
    case Kind::OpenFailed:
        handleOpenFailed(message.error());
        return;
    case Kind::ProcessFinished:
        lastExitCode = int(message.pidOrExitCode);
        lastExitStatus = message.exitStatus;
        log.log(message.exitStatus == QProcess::NormalExit && message.pidOrExitCode == 0 ? QtDebugMsg : QtInfoMsg,
                message.exitStatus == QProcess::NormalExit
                    ? QStringLiteral("backend exited with code %1").arg(message.pidOrExitCode)
                    : QStringLiteral("backend crashed"),
                {{QStringLiteral("exitCode"), message.pidOrExitCode},
                 {QStringLiteral("crashed"), message.exitStatus != QProcess::NormalExit}});
        return;
    case Kind::Closed:
        handleClosed(message);
        return;
    }
}

void QRustBridgePrivate::routeReply(const InboundMessage &message)
{
    const quint64 id = message.id;
    // Read before routing: a finished request's user code may destroy the bridge.
    const InboundMessage::Kind kind = message.kind;
    if (replies.route(message) != ReplyRouter::Routed::Unknown)
        return;
    if (kind == InboundMessage::Kind::Response) {
        log.warning(QStringLiteral("response for unknown request id %1 dropped").arg(id),
                    {{QStringLiteral("id"), MessageCodec::requestIdString(id)}});
    } else if (kind == InboundMessage::Kind::Chunk) {
        log.debug(QStringLiteral("chunk for request %1 that is not a running stream dropped").arg(id),
                  {{QStringLiteral("id"), MessageCodec::requestIdString(id)}});
    }
}

void QRustBridgePrivate::handleEvent(const InboundMessage &message)
{
    using State = QRustBridge::State;
    const bool awaitingReady = state == State::Starting || state == State::Reconnecting;
    if (!awaitingReady || message.text != options.readyEventName) {
        Q_EMIT q->eventReceived(message.text, message.value);
        return;
    }
    QPointer<QRustBridge> alive(q);
    const bool wasReconnect = state == State::Reconnecting;
    readyTimer.stop();
    if (!acceptSchema(message.value)) {
        if (!alive)
            return;
        const QRustBridgeError error(QRustBridgeError::Code::SchemaMismatch, schemaMismatchMessage(message.value));
        if (wasReconnect) {
            ++generation;  // ignore whatever this connection still reports
            postCommand({IoCommand::Kind::CloseTransport});
            handleOpenFailed(error);
            return;
        }
        handleStartFailure(error);
        if (state == State::Stopping)
            postCommand({IoCommand::Kind::CloseTransport});
        return;
    }
    reconnect.reset();
    log.debug(wasReconnect ? QStringLiteral("reconnected") : QStringLiteral("backend ready"));
    setState(State::Running);
    if (!alive)
        return;
    // Resolve the start future first, so a ready() slot that calls kill()
    // cannot turn a successful start into a failed one.
    finishStart(true);
    if (!alive)
        return;
    if (wasReconnect)
        Q_EMIT q->reconnected();
    if (alive)
        Q_EMIT q->ready();
}

// The ready event's "schema" against QRustBridgeOptions::expectedSchema: a
// mismatch is logged, and refuses the backend only with failOnSchemaMismatch.
bool QRustBridgePrivate::acceptSchema(const QJsonValue &readyData)
{
    if (options.expectedSchema.isEmpty())
        return true;
    const QString actual = readyData.toObject().value(QLatin1String("schema")).toString();
    if (actual == options.expectedSchema)
        return true;
    log.warning(schemaMismatchMessage(readyData),
                {{QStringLiteral("expectedSchema"), options.expectedSchema}, {QStringLiteral("schema"), actual}});
    return !options.failOnSchemaMismatch;
}

QString QRustBridgePrivate::schemaMismatchMessage(const QJsonValue &readyData) const
{
    const QString actual = readyData.toObject().value(QLatin1String("schema")).toString();
    const QString advice = QRustBridge::tr("regenerate the client's commands from this backend "
                                           "(qrustbridge_generate_commands) or run the backend they were generated from");
    if (actual.isEmpty())
        return QRustBridge::tr("the backend's ready event carries no \"schema\" (a backend not built on the "
                               "qrustbridge crate, or an old one); this client was generated for schema %1: %2")
            .arg(options.expectedSchema, advice);
    return QRustBridge::tr("the backend describes its commands with schema %1, but this client was generated for "
                           "schema %2: %3")
        .arg(actual, options.expectedSchema, advice);
}

void QRustBridgePrivate::handleClosed(const InboundMessage &message)
{
    using State = QRustBridge::State;
    QPointer<QRustBridge> alive(q);
    const State before = state;
    processId = 0;
    channel.clearOutbound();

    const QRustBridgeError why = message.error();
    replies.connectionLost(why);
    if (!alive)
        return;

    if (before == State::Starting) {
        handleStartFailure(QRustBridgeError(
            why.code(), QRustBridge::tr("the backend stopped before it was ready: %1").arg(why.message())));
    } else if (before == State::Reconnecting) {
        handleOpenFailed(why);
        return;
    } else {
        const bool retry = before == State::Running && transportFactory.reconnectPolicy.has_value();
        setState(retry ? State::Reconnecting : State::NotRunning);
        if (!alive)
            return;
        if (before == State::Running) {
            setError(why);
            if (!alive)
                return;
        }
        if (retry) {
            reconnect.reset();
            scheduleReconnect();
        }
    }
    if (!alive)
        return;
    if (transportFactory.isProcess && lastExitCode)
        Q_EMIT q->exited(*lastExitCode, lastExitStatus);
    else if (!transportFactory.isProcess && before != State::Starting)
        Q_EMIT q->disconnected();
}

// ---------------------------------------------------------------------------
// QRustBridge

QRustBridge::QRustBridge(const QRustBridgeOptions &options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<QRustBridgePrivate>(this, options))
{
}

QRustBridge::~QRustBridge()
{
    d->shutdownForDestruction();
}

void QRustBridge::forwardCancel(const QFuture<void> &typed, const QFuture<QJsonValue> &raw)
{
    if (raw.isFinished())
        return;
    d->cancellations.link(typed, raw);
    d->cancellations.watch(thread());
}

QFuture<bool> QRustBridge::spawn()
{
    return d->start(TransportFactory::process(d->options, d->locator, d->log), nullptr);
}

QFuture<bool> QRustBridge::connectToServer(const QString &socketPath, const QRustSocketOptions &socketOptions)
{
    return d->start(TransportFactory::localSocket(socketPath, socketOptions), nullptr);
}

QFuture<bool> QRustBridge::connectToHost(const QString &host, quint16 port, const QRustTcpOptions &tcpOptions)
{
    return d->start(TransportFactory::tcp(host, port, tcpOptions), nullptr);
}

QFuture<bool> QRustBridge::connectTransport(QRustTransport *transport)
{
    Q_ASSERT(transport && !transport->parent());
    return d->start(TransportFactory::custom(), transport);
}

QFuture<QJsonValue> QRustBridge::sendCommand(const QString &method, const QJsonValue &params)
{
    return d->sendCommand(method, params);
}

void QRustBridge::sendCommand(const QString &method, const QJsonValue &params, const QObject *context,
                              ReplyHandler onReply)
{
    d->sendCommand(method, params, context, std::move(onReply));
}

QRustStream *QRustBridge::sendCommandStreaming(const QString &method, const QJsonValue &params)
{
    return d->sendCommandStreaming(method, params);
}

void QRustBridge::kill()
{
    d->stop();
}

bool QRustBridge::isRunning() const
{
    return d->state == State::Running;
}

QRustBridge::State QRustBridge::state() const
{
    return d->state;
}

QRustBridgeError QRustBridge::lastError() const
{
    return d->lastError;
}

const QRustBridgeOptions &QRustBridge::options() const
{
    return d->options;
}

int QRustBridge::pendingCount() const
{
    return d->pending().size();
}

qint64 QRustBridge::processId() const
{
    return d->processId;
}
