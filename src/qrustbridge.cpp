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

namespace {

template <typename T>
QFuture<T> finishedFuture(const T &value)
{
    QPromise<T> promise;
    promise.start();
    promise.addResult(value);
    promise.finish();
    return promise.future();
}

} // namespace

// ---------------------------------------------------------------------------
// QRustBridgePrivate

QRustBridgePrivate::QRustBridgePrivate(QRustBridge *q, const QRustBridgeOptions &options)
    : q(q)
    , options(options)
    , log(options.logger, q)
{
    qRegisterMetaType<QRustBridgeError>();
    clock.start();
    // Coarse timers may fire up to 5% early; a timeout must never come before its time.
    readyTimer.setTimerType(Qt::PreciseTimer);
    requestTimer.setTimerType(Qt::PreciseTimer);
    readyTimer.setSingleShot(true);
    requestTimer.setSingleShot(true);
    reconnectTimer.setSingleShot(true);
    QObject::connect(&readyTimer, &QTimer::timeout, q, [this] { onReadyTimeout(); });
    QObject::connect(&requestTimer, &QTimer::timeout, q, [this] { onRequestTimer(); });
    QObject::connect(&reconnectTimer, &QTimer::timeout, q, [this] { attemptReconnect(); });
    cancelPollTimer.setInterval(cancelPollIntervalMs);
    QObject::connect(&cancelPollTimer, &QTimer::timeout, q, [this] { pollCancellations(); });

    // A child of q: it follows the bridge to another thread and, gone with
    // it, takes any wake-up still queued for it along.
    inboundWaker = new ThreadWaker([this] { drainInbound(); }, q);
    worker = new IoWorker(&channel, options, inboundWaker, &log);
    worker->moveToThread(&ioThread);
    ioThread.setObjectName(QStringLiteral("QRustBridge I/O"));
    ioThread.start();
}

QRustBridgePrivate::~QRustBridgePrivate() = default;

void QRustBridgePrivate::shutdownForDestruction()
{
    destroying = true;
    state = QRustBridge::State::NotRunning;
    readyTimer.stop();
    requestTimer.stop();
    reconnectTimer.stop();
    cancelPollTimer.stop();
    QObject::disconnect(cancelCheckConnection);
    cancelLinks.clear();
    const QRustBridgeError gone = transportLostError(QRustBridge::tr("the bridge was destroyed"));
    if (startPromise) {
        lastError = gone;
        finishStart(false);
    }
    pending.rejectAll(gone);
    // The worker deletes itself and ends the thread; the channel handshake
    // is what orders its last touches before our destruction of the rest.
    postCommand({IoCommand::Kind::Shutdown});
    channel.waitUntilShutDown();
    ioThread.wait();
    worker = nullptr;
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
    return QRustBridgeError(mode == Mode::Stdio ? QRustBridgeError::Code::ProcessExited
                                                : QRustBridgeError::Code::Disconnected,
                            why);
}

const QRustSocketOptions &QRustBridgePrivate::reconnectPolicy() const
{
    return mode == Mode::Tcp ? tcpOptions : socketOptions;
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

QFuture<bool> QRustBridgePrivate::start(Mode newMode, QRustTransport *transport)
{
    if (state != QRustBridge::State::NotRunning) {
        delete transport;
        lastError = QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                     QRustBridge::tr("the bridge is already started; call kill() first"));
        return finishedFuture(false);
    }
    mode = newMode;
    reconnectAttempt = 0;
    processId = 0;
    lastExitCode.reset();
    startPromise.emplace();
    startPromise->reportStarted();
    QFuture<bool> future = startPromise->future();

    if (!transport)
        transport = createTransport();
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

QRustTransport *QRustBridgePrivate::createTransport()
{
    if (mode == Mode::Socket) {
        auto *transport = new QRustLocalSocketTransport(socketPath);
        transport->setTrustedServerUids(socketOptions.trustedServerUids);
        return transport;
    }
    if (mode == Mode::Tcp)
        return new QRustTcpTransport(tcpHost, tcpPort, tcpOptions);
    const QString program = locator.locate(options);
    if (program.isEmpty() && !options.binaryPath.isEmpty()) {
        const QString path = QRustBinaryLocator::candidates(options).value(0);
        lastError = QRustBridgeError(
            QRustBridgeError::Code::BinaryNotFound,
            QFileInfo::exists(path)
                ? QRustBridge::tr("backend \"%1\" (binaryPath) is not an executable file").arg(path)
                : QRustBridge::tr("backend \"%1\" (binaryPath) does not exist").arg(path));
        return nullptr;
    }
    if (program.isEmpty()) {
        lastError = QRustBridgeError(
            QRustBridgeError::Code::BinaryNotFound,
            QRustBridge::tr("backend \"%1\" not found; looked in: %2%3")
                .arg(options.binaryName,
                     QRustBinaryLocator::candidates(options).join(QStringLiteral(", ")),
                     options.searchSystemPath ? QRustBridge::tr(" and PATH") : QString()));
        return nullptr;
    }
    if (QFileInfo(program).permissions() & QFileDevice::WriteOther)
        log.warning(QStringLiteral("backend %1 is world-writable: anyone could replace it").arg(program));
    log.debug(QStringLiteral("starting %1").arg(program),
              {{QStringLiteral("program"), program},
               {QStringLiteral("arguments"), QJsonArray::fromStringList(options.cliArgs)}});
    return new QRustStdioTransport(program, options.cliArgs, options.environment);
}

void QRustBridgePrivate::openTransport(QRustTransport *transport)
{
    ++generation;
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
    reconnectTimer.stop();
    const QRustBridgeError stopped = transportLostError(QRustBridge::tr("the backend was stopped by kill()"));
    if (startPromise) {
        lastError = QRustBridgeError(QRustBridgeError::Code::StartFailed,
                                     QRustBridge::tr("start was interrupted by kill()"));
        finishStart(false);
        if (!alive)
            return;
    }
    // Answers may still arrive before the backend is gone: drop them quietly.
    for (quint64 id : pending.ids())
        ignoredIds.insert(id);
    pending.rejectAll(stopped);
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
    if (channel.pushOutbound(OutboundRequest{id, method, params}))
        worker->wake();
    return id;
}

QFuture<QJsonValue> QRustBridgePrivate::sendCommand(const QString &method, const QJsonValue &params)
{
    if (state != QRustBridge::State::Running)
        return QRustTyped::detail::failedFuture<QJsonValue>(notRunningError(method));
    const quint64 id = enqueue(method, params);
    PendingTable::Entry &entry = pending.add(id, method);
    QFuture<QJsonValue> future = entry.promise->future();
    watchForCancel();
    addDeadline(id);
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
    pending.addWithHandler(id, method, context, std::move(onReply));
    addDeadline(id);
}

void QRustBridgePrivate::addDeadline(quint64 id)
{
    // Drop finished requests from the front so the deadline queue stays short.
    while (!deadlines.empty() && !pending.contains(deadlines.front().second))
        deadlines.pop_front();
    deadlines.emplace_back(clock.elapsed() + options.requestTimeoutMs, id);
    if (!requestTimer.isActive())
        armRequestTimer();
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
    PendingTable::Entry &entry = pending.add(id, method);
    entry.stream = stream;
    sd->bridge = this;
    sd->id = id;
    sd->future = entry.promise->future();
    watchForCancel();
    QObject::connect(&sd->inactivityTimer, &QTimer::timeout, q, [this, id] {
        PendingTable::Entry *e = pending.find(id);
        if (!e || (e->stream && !e->stream->d->inactivityExpired()))
            return;
        const QString method = e->method;
        ignoredIds.insert(id);
        sendCancelMessage(id);
        pending.reject(id, QRustBridgeError(QRustBridgeError::Code::StreamTimeout,
                                            QRustBridge::tr("stream \"%1\" was silent for %2 ms")
                                                .arg(method).arg(streamTimeoutMs()),
                                            method, MessageCodec::requestIdString(id)));
    });
    if (streamTimeoutMs() > 0)
        sd->armInactivityTimer(streamTimeoutMs());
    return stream;
}

void QRustBridgePrivate::cancelStream(quint64 id)
{
    PendingTable::Entry *entry = pending.find(id);
    if (!entry)
        return;
    const QString method = entry->method;
    sendCancelMessage(id);
    pending.cancel(id, QRustBridgeError(QRustBridgeError::Code::Cancelled,
                                        QRustBridge::tr("\"%1\" was cancelled").arg(method), method,
                                        MessageCodec::requestIdString(id)));
}

void QRustBridgePrivate::watchForCancel()
{
    // Same-thread QFuture::cancel() is noticed before the thread next waits;
    // from another thread (or beyond the watched entries) within a poll interval.
    QThread *thread = q->thread();
    if (cancelCheckThread != thread) {
        QObject::disconnect(cancelCheckConnection);
        cancelCheckThread = thread;
        if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance(thread)) {
            cancelCheckConnection = QObject::connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, q,
                                                     [this] { checkWatchedCancellations(); });
        }
    }
    if (!cancelPollTimer.isActive())
        cancelPollTimer.start();
}

void QRustBridgePrivate::forwardTypedCancellations(std::size_t limit)
{
    // Requests mostly finish in send order: dropping from the front keeps the deque short.
    while (!cancelLinks.empty() && cancelLinks.front().raw.isFinished())
        cancelLinks.pop_front();
    if (limit >= cancelLinks.size()) {
        cancelLinks.erase(std::remove_if(cancelLinks.begin(), cancelLinks.end(),
                                         [](const CancelLink &link) { return link.raw.isFinished(); }),
                          cancelLinks.end());
    }
    const std::size_t count = std::min(limit, cancelLinks.size());
    for (std::size_t i = 0; i < count; ++i) {
        CancelLink &link = cancelLinks[i];
        // The raw request's own check (below, in the callers) then finishes it and tells the backend.
        if (link.typed.isCanceled() && !link.raw.isFinished())
            link.raw.cancel();
    }
}

void QRustBridgePrivate::checkWatchedCancellations()
{
    forwardTypedCancellations(PendingTable::maxWatchedEntries);
    if (pending.watchedCount() == 0)
        return;
    QPointer<QRustBridge> alive(q);
    for (quint64 id : pending.watchedCancellations()) {
        cancelStream(id);
        if (!alive)
            return;
    }
}

void QRustBridgePrivate::pollCancellations()
{
    forwardTypedCancellations(cancelLinks.size());
    QPointer<QRustBridge> alive(q);
    for (quint64 id : pending.polledCancellations()) {
        cancelStream(id);
        if (!alive)
            return;
    }
    if (pending.size() == 0) {
        cancelPollTimer.stop();
        cancelLinks.clear();  // every request they point to has finished
    }
}

void QRustBridgePrivate::sendCancelMessage(quint64 id)
{
    ignoredIds.insert(id);
    if (options.cancelMethod.isEmpty() || state != QRustBridge::State::Running)
        return;
    const QJsonObject params{{QStringLiteral("id"), MessageCodec::requestIdString(id)}};
    ignoredIds.insert(enqueue(options.cancelMethod, params));
}

void QRustBridgePrivate::armRequestTimer()
{
    while (!deadlines.empty() && !pending.contains(deadlines.front().second))
        deadlines.pop_front();
    if (deadlines.empty())
        return;
    requestTimer.start(int(qMax<qint64>(0, deadlines.front().first - clock.elapsed())));
}

void QRustBridgePrivate::onRequestTimer()
{
    QPointer<QRustBridge> alive(q);
    const qint64 now = clock.elapsed();
    while (!deadlines.empty() && deadlines.front().first <= now) {
        const quint64 id = deadlines.front().second;
        deadlines.pop_front();
        PendingTable::Entry *entry = pending.find(id);
        if (!entry || entry->stream)
            continue;
        const QString method = entry->method;
        sendCancelMessage(id);
        pending.reject(id, QRustBridgeError(QRustBridgeError::Code::Timeout,
                                            QRustBridge::tr("no response to \"%1\" within %2 ms")
                                                .arg(method).arg(options.requestTimeoutMs),
                                            method, MessageCodec::requestIdString(id)));
        if (!alive)
            return;
    }
    armRequestTimer();
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
    const bool transportStillUp = error.code() == QRustBridgeError::Code::ReadyTimeout;
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
        log.debug(QStringLiteral("reconnect attempt %1 failed: %2").arg(reconnectAttempt).arg(error.message()),
                  {{QStringLiteral("attempt"), reconnectAttempt}});
        lastError = error;
        scheduleReconnect();
        return;
    }
    if (state == QRustBridge::State::Starting)
        handleStartFailure(error);
}

void QRustBridgePrivate::scheduleReconnect()
{
    const QRustSocketOptions &policy = reconnectPolicy();
    if (reconnectAttempt >= policy.maxReconnectAttempts) {
        QPointer<QRustBridge> alive(q);
        setState(QRustBridge::State::NotRunning);
        if (alive)
            Q_EMIT q->reconnectFailed();
        return;
    }
    const qint64 delay = qMin<qint64>(qint64(policy.reconnectBaseDelayMs) << qMin(reconnectAttempt, 30),
                                      policy.reconnectMaxDelayMs);
    ++reconnectAttempt;
    reconnectTimer.start(int(delay));
}

void QRustBridgePrivate::attemptReconnect()
{
    if (state != QRustBridge::State::Reconnecting)
        return;
    log.debug(QStringLiteral("reconnect attempt %1").arg(reconnectAttempt),
              {{QStringLiteral("attempt"), reconnectAttempt}});
    readyTimer.start(options.readyTimeoutMs);
    openTransport(createTransport());
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
    case Kind::Response: {
        if (ignoredIds.remove(message.id))
            return;
        PendingTable::Entry *entry = pending.find(message.id);
        if (!entry) {
            log.warning(QStringLiteral("response for unknown request id %1 dropped").arg(message.id),
                        {{QStringLiteral("id"), MessageCodec::requestIdString(message.id)}});
            return;
        }
        if (message.success) {
            pending.resolve(message.id, message.value);
        } else {
            QRustBridgeError error(QRustBridgeError::Code::Remote, message.value.toString(), entry->method,
                                   MessageCodec::requestIdString(message.id));
            if (message.errorDetail)  // only when the backend sent errorCode/errorData
                error.setRemoteDetails(message.errorDetail->remoteCode(), message.errorDetail->remoteData());
            pending.reject(message.id, error);
        }
        return;
    }
    case Kind::Chunk: {
        PendingTable::Entry *entry = pending.find(message.id);
        if (entry && entry->stream)
            entry->stream->d->deliverChunk(message.value);
        else if (!ignoredIds.contains(message.id))
            log.debug(QStringLiteral("chunk for request %1 that is not a running stream dropped").arg(message.id),
                      {{QStringLiteral("id"), MessageCodec::requestIdString(message.id)}});
        return;
    }
    case Kind::RequestFailed: {
        PendingTable::Entry *entry = pending.find(message.id);
        if (!entry)
            return;
        const QRustBridgeError &error = message.error();
        pending.reject(message.id, QRustBridgeError(error.code(), error.message(), entry->method,
                                                    MessageCodec::requestIdString(message.id)));
        return;
    }
    case Kind::Event:
        handleEvent(message);
        return;
    case Kind::StderrLine:
        Q_EMIT q->standardErrorLine(message.text);
        return;
    case Kind::Opened:
        processId = message.exitCode;
        log.debug(QStringLiteral("transport open; waiting for the \"%1\" event").arg(options.readyEventName),
                  processId ? QJsonObject{{QStringLiteral("pid"), processId}} : QJsonObject{});
        return;
    case Kind::OpenFailed:
        handleOpenFailed(message.error());
        return;
    case Kind::ProcessFinished:
        lastExitCode = int(message.exitCode);
        lastExitStatus = message.exitStatus;
        log.log(message.exitStatus == QProcess::NormalExit && message.exitCode == 0 ? QtDebugMsg : QtInfoMsg,
                message.exitStatus == QProcess::NormalExit
                    ? QStringLiteral("backend exited with code %1").arg(message.exitCode)
                    : QStringLiteral("backend crashed"),
                {{QStringLiteral("exitCode"), message.exitCode},
                 {QStringLiteral("crashed"), message.exitStatus != QProcess::NormalExit}});
        return;
    case Kind::Closed:
        handleClosed(message);
        return;
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
    reconnectAttempt = 0;
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

void QRustBridgePrivate::handleClosed(const InboundMessage &message)
{
    using State = QRustBridge::State;
    QPointer<QRustBridge> alive(q);
    const State before = state;
    processId = 0;
    channel.clearOutbound();
    ignoredIds.clear();

    const QRustBridgeError why = message.error();
    pending.rejectAll(why);
    if (!alive)
        return;

    if (before == State::Starting) {
        handleStartFailure(QRustBridgeError(
            why.code(), QRustBridge::tr("the backend stopped before it was ready: %1").arg(why.message())));
    } else if (before == State::Reconnecting) {
        handleOpenFailed(why);
        return;
    } else {
        const bool reconnect = before == State::Running && reconnectPolicy().autoReconnect
            && (mode == Mode::Socket || mode == Mode::Tcp);
        setState(reconnect ? State::Reconnecting : State::NotRunning);
        if (!alive)
            return;
        if (before == State::Running) {
            setError(why);
            if (!alive)
                return;
        }
        if (reconnect) {
            reconnectAttempt = 0;
            scheduleReconnect();
        }
    }
    if (!alive)
        return;
    if (mode == Mode::Stdio && lastExitCode)
        Q_EMIT q->exited(*lastExitCode, lastExitStatus);
    else if (mode != Mode::Stdio && before != State::Starting)
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
    d->cancelLinks.push_back({typed, raw});
    d->watchForCancel();
}

QFuture<bool> QRustBridge::spawn()
{
    return d->start(QRustBridgePrivate::Mode::Stdio, nullptr);
}

QFuture<bool> QRustBridge::connectToServer(const QString &socketPath, const QRustSocketOptions &socketOptions)
{
    if (d->state == State::NotRunning) {
        d->socketPath = socketPath;
        d->socketOptions = socketOptions;
    }
    return d->start(QRustBridgePrivate::Mode::Socket, nullptr);
}

QFuture<bool> QRustBridge::connectToHost(const QString &host, quint16 port, const QRustTcpOptions &tcpOptions)
{
    if (d->state == State::NotRunning) {
        d->tcpHost = host;
        d->tcpPort = port;
        d->tcpOptions = tcpOptions;
    }
    return d->start(QRustBridgePrivate::Mode::Tcp, nullptr);
}

QFuture<bool> QRustBridge::connectTransport(QRustTransport *transport)
{
    Q_ASSERT(transport && !transport->parent());
    return d->start(QRustBridgePrivate::Mode::Custom, transport);
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
    return d->pending.size();
}

qint64 QRustBridge::processId() const
{
    return d->processId;
}
