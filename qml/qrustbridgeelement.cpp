#include "qrustbridgeelement.h"
#include "qrustbridgeelement_p.h"
#include "qrustjsvalueconverter.h"

#include <QRustBridge/qruststream.h>

#include <QtCore/QFutureWatcher>
#include <QtCore/QProcessEnvironment>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlInfo>

#include <vector>

static_assert(int(QRustBridge::State::NotRunning) == int(QRustBridgeElement::NotRunning)
                      && int(QRustBridge::State::Starting) == int(QRustBridgeElement::Starting)
                      && int(QRustBridge::State::Running) == int(QRustBridgeElement::Running)
                      && int(QRustBridge::State::Reconnecting) == int(QRustBridgeElement::Reconnecting)
                      && int(QRustBridge::State::Stopping) == int(QRustBridgeElement::Stopping),
              "QRustBridgeElement::State must mirror QRustBridge::State");

namespace {

// Evaluated once per element and bound to it (see addPending()). Each call
// makes a real Promise and returns [promise, settle]: settle(ok, value)
// resolves or rejects it. One function instead of resolve and reject means
// one persistent value less per call in flight, which every garbage
// collection has to mark. Arrow functions, because a `function` expression
// also allocates a prototype object each time it is evaluated. Call and
// stream promises also get cancel(), which forwards to element.cancel(promise).
const char promiseFactorySource[] = R"JS(
(function (element) {
    return (cancellable) => {
        let resolveIt, rejectIt;
        const promise = new Promise((resolve, reject) => {
            resolveIt = resolve;
            rejectIt = reject;
        });
        if (cancellable) {
            promise.cancel = () =>
                element && typeof element.cancel === "function" ? element.cancel(promise) : false;
        }
        return [promise, (ok, value) => { if (ok) resolveIt(value); else rejectIt(value); }];
    };
})
)JS";

} // namespace

// ---------------------------------------------------------------------------
// QRustBridgeElementPrivate

QRustBridgeElementPrivate::QRustBridgeElementPrivate(QRustBridgeElement *q)
    : q(q)
{
}

QJSEngine *QRustBridgeElementPrivate::jsEngine()
{
    // Looked up while the element is alive and in use; the QPointer then says if it still exists.
    if (!engine) {
        if (QQmlEngine *qml = qmlEngine(q))
            engine = qml;
        else
            engine = qjsEngine(q);
    }
    return engine;
}

QRustBridgeElementPrivate::Pending &
QRustBridgeElementPrivate::addPending(Pending::Kind kind, const QString &method, quint64 *token)
{
    *token = nextToken++;
    Pending &entry = pending[*token];
    entry.kind = kind;
    entry.method = method;
    QJSEngine *e = jsEngine();
    if (!e) {
        qmlWarning(q) << "RustBridge is not owned by a JavaScript engine: no promise is returned";
        return entry;
    }
    if (promiseFactory.isUndefined()) {
        const QJSValue factory = e->evaluate(QString::fromUtf8(promiseFactorySource),
                                             QStringLiteral("qrustbridge:promisefactory"));
        promiseFactory = factory.call({e->toScriptValue(static_cast<QObject *>(q))});
    }
    const bool cancellable = kind == Pending::Kind::Call || kind == Pending::Kind::Stream;
    const QJSValue made = promiseFactory.call({QJSValue(cancellable)});
    entry.promise = made.property(0);
    entry.settle = made.property(1);
    return entry;
}

QRustBridge *QRustBridgeElementPrivate::ensureBridge(bool replaceIfStale)
{
    if (bridge && replaceIfStale && optionsDirty && bridge->state() == QRustBridge::State::NotRunning) {
        QObject::disconnect(bridge, nullptr, q, nullptr);
        bridge->deleteLater();  // we may be inside one of its signals
        bridge = nullptr;
    }
    if (!bridge) {
        bridge = new QRustBridge(options, q);
        optionsDirty = false;
        connectBridge();
    }
    return bridge;
}

void QRustBridgeElementPrivate::connectBridge()
{
    QRustBridge *b = bridge;
    QObject::connect(b, &QRustBridge::ready, q, &QRustBridgeElement::ready);
    QObject::connect(b, &QRustBridge::standardErrorLine, q, &QRustBridgeElement::standardErrorLine);
    QObject::connect(b, &QRustBridge::disconnected, q, &QRustBridgeElement::disconnected);
    QObject::connect(b, &QRustBridge::reconnected, q, &QRustBridgeElement::reconnected);
    QObject::connect(b, &QRustBridge::reconnectFailed, q, &QRustBridgeElement::reconnectFailed);
    QObject::connect(b, &QRustBridge::runningChanged, q, &QRustBridgeElement::runningChanged);
    QObject::connect(b, &QRustBridge::eventReceived, q, [this](const QString &name, const QJsonValue &data) {
        QJSEngine *e = jsEngine();
        Q_EMIT q->eventReceived(name, e ? QRustJSValueConverter::toJs(e, data) : QJSValue());
    });
    QObject::connect(b, &QRustBridge::exited, q, [this](int exitCode, QProcess::ExitStatus status) {
        Q_EMIT q->exited(status == QProcess::CrashExit ? -1 : exitCode);
    });
    QObject::connect(b, &QRustBridge::stateChanged, q,
                     [this](QRustBridge::State state) { onBridgeStateChanged(state); });
    QObject::connect(b, &QRustBridge::errorOccurred, q, [this](const QRustBridgeError &error) {
        refreshLastError();
        Q_EMIT q->errorOccurred(QRustBridgeError::codeName(error.code()), error.message());
    });
}

void QRustBridgeElementPrivate::markOptionsChanged()
{
    optionsDirty = true;
    Q_EMIT q->optionsChanged();
}

QJSValue QRustBridgeElementPrivate::start(const std::function<QFuture<bool>(QRustBridge &)> &begin)
{
    QRustBridge *b = ensureBridge(true);
    quint64 token = 0;
    Pending &entry = addPending(Pending::Kind::Start, QString(), &token);
    const QJSValue promise = entry.promise;
    auto *watcher = new QFutureWatcher<bool>(q);
    entry.watcher = watcher;
    QObject::connect(watcher, &QFutureWatcherBase::finished, q, [this, token] {
        const auto it = pending.find(token);
        if (it == pending.end())
            return;
        const Outcome outcome = outcomeOf(it->second.startFuture);
        refreshLastError();
        settle(token, outcome);
    });
    // The bridge may emit (and QML handlers run) synchronously in here; map nodes stay valid.
    const QFuture<bool> future = begin(*b);
    const auto it = pending.find(token);
    if (it != pending.end())
        it->second.startFuture = future;
    watcher->setFuture(future);
    return promise;
}

bool QRustBridgeElementPrivate::paramsToJson(quint64 token, const QString &method, const QJSValue &params,
                                             QJsonValue *json)
{
    QString error;
    *json = QRustJSValueConverter::toJson(params, &error);
    if (error.isEmpty())
        return true;
    settle(token, Outcome::rejected(QRustBridgeError(
                      QRustBridgeError::Code::ProtocolError,
                      QRustBridgeElement::tr("the parameters of \"%1\" are not JSON: %2").arg(method, error),
                      method)));
    return false;
}

void QRustBridgeElementPrivate::sendViaHandler(QRustBridge *bridge, quint64 token, const QString &method,
                                               const QJsonValue &params)
{
    // The element is the context: the bridge drops the reply once the element
    // is gone. The element deletes its bridge first (shutdown()), so the
    // handler never sees a destroyed private part.
    bridge->sendCommand(method, params, q, [this, token](const QJsonValue &result, const QRustBridgeError &error) {
        onReply(token, result, error);
    });
}

void QRustBridgeElementPrivate::onReply(quint64 token, const QJsonValue &result, const QRustBridgeError &error)
{
    if (shuttingDown) {
        // Called from inside `delete bridge` in shutdown(), which posts the outcome.
        const auto it = pending.find(token);
        if (it != pending.end()) {
            it->second.hasShutdownOutcome = true;
            it->second.shutdownOutcome = error.isError() ? Outcome::rejected(error) : Outcome::resolved(result);
        }
        return;
    }
    settle(token, error.isError() ? Outcome::rejected(error) : Outcome::resolved(result));
}

QRustBridgeError QRustBridgeElementPrivate::cancelledError(const QString &method)
{
    return QRustBridgeError(QRustBridgeError::Code::Cancelled,
                            QRustBridgeElement::tr("\"%1\" was cancelled").arg(method), method);
}

void QRustBridgeElementPrivate::refreshLastError()
{
    const QRustBridgeError error = bridge ? bridge->lastError() : QRustBridgeError();
    const QString code = error.isError() ? QRustBridgeError::codeName(error.code()) : QString();
    const QString message = error.isError() ? error.message() : QString();
    if (code == lastErrorCode && message == lastErrorString)
        return;
    lastErrorCode = code;
    lastErrorString = message;
    Q_EMIT q->lastErrorChanged();
}

void QRustBridgeElementPrivate::onBridgeStateChanged(QRustBridge::State newState)
{
    if (newState == QRustBridge::State::NotRunning) {
        std::vector<quint64> killers;
        for (const auto &[token, entry] : pending) {
            if (entry.kind == Pending::Kind::Kill)
                killers.push_back(token);
        }
        for (quint64 token : killers)
            settle(token, Outcome::resolved(QJsonValue(QJsonValue::Undefined)));
    }
    Q_EMIT q->stateChanged();
}

void QRustBridgeElementPrivate::settle(quint64 token, const Outcome &outcome)
{
    const auto it = pending.find(token);
    if (it == pending.end())
        return;
    Pending entry = std::move(it->second);
    pending.erase(it);
    detach(entry.watcher, entry.stream);
    deliver(jsEngine(), entry, outcome);
}

void QRustBridgeElementPrivate::detach(QObject *watcher, QRustStream *stream)
{
    if (watcher) {
        QObject::disconnect(watcher, nullptr, q, nullptr);
        watcher->deleteLater();  // we may be inside its finished() signal
    }
    if (stream) {
        QObject::disconnect(stream, nullptr, q, nullptr);
        stream->deleteLater();
    }
}

void QRustBridgeElementPrivate::shutdown()
{
    // Nothing may reach the half-destroyed element from here on, except the
    // reply handlers that `delete bridge` calls (see onReply()).
    shuttingDown = true;
    for (auto &[token, entry] : pending) {
        if (entry.watcher)
            QObject::disconnect(entry.watcher, nullptr, q, nullptr);
        if (entry.stream)
            QObject::disconnect(entry.stream, nullptr, q, nullptr);
    }
    if (bridge) {
        QObject::disconnect(bridge, nullptr, q, nullptr);
        delete bridge.data();  // stops the backend and fails every pending future at once
    }
    std::map<quint64, Pending> left;
    left.swap(pending);
    QJSEngine *e = engine;  // no lookup: the engine may be mid-destruction
    if (!e)
        return;  // the JavaScript side is gone; the QJSValues are released safely
    for (const auto &[token, entry] : left) {
        Outcome outcome;
        switch (entry.kind) {
        case Pending::Kind::Start:
            outcome = outcomeOf(entry.startFuture);
            break;
        case Pending::Kind::Call:
        case Pending::Kind::Stream:
            if (entry.viaHandler)
                outcome = entry.hasShutdownOutcome ? entry.shutdownOutcome
                                                   : Outcome::rejected(cancelledError(entry.method));
            else
                outcome = outcomeOf(entry.future, entry.method);
            break;
        case Pending::Kind::Kill:
            break;  // the backend is stopped: resolved with undefined
        }
        // Posted with the engine as context: dropped if the engine dies first.
        const Pending copy = entry;
        QMetaObject::invokeMethod(e, [e, copy, outcome] { deliver(e, copy, outcome); }, Qt::QueuedConnection);
    }
}

QRustBridgeElementPrivate::Outcome
QRustBridgeElementPrivate::outcomeOf(const std::optional<QFuture<QJsonValue>> &maybeFuture, const QString &method)
{
    const QRustBridgeError cancelled = cancelledError(method);
    if (!maybeFuture || !maybeFuture->isFinished())
        return Outcome::rejected(cancelled);
    const QFuture<QJsonValue> &future = *maybeFuture;
    try {
        QFuture<QJsonValue>(future).waitForFinished();  // finished already: rethrows the stored error, never blocks
    } catch (const QRustBridgeError &error) {
        return Outcome::rejected(error);
    } catch (const QException &error) {
        return Outcome::rejected(QRustBridgeError(QRustBridgeError::Code::ProtocolError,
                                                  QString::fromLocal8Bit(error.what()), method));
    }
    if (future.resultCount() > 0)
        return Outcome::resolved(future.resultAt(0));
    return Outcome::rejected(cancelled);
}

QRustBridgeElementPrivate::Outcome QRustBridgeElementPrivate::outcomeOf(const std::optional<QFuture<bool>> &future)
{
    return Outcome::resolved(
            QJsonValue(future && future->isFinished() && future->resultCount() > 0 && future->resultAt(0)));
}

void QRustBridgeElementPrivate::deliver(QJSEngine *engine, const Pending &entry, const Outcome &outcome)
{
    if (!engine || !entry.settle.isCallable())
        return;
    const QJSValue argument = outcome.ok ? QRustJSValueConverter::toJs(engine, outcome.value)
                                         : errorToJs(engine, outcome.error);
    entry.settle.call({QJSValue(outcome.ok), argument});
}

QJSValue QRustBridgeElementPrivate::errorToJs(QJSEngine *engine, const QRustBridgeError &error)
{
    QJSValue value = engine->newErrorObject(QJSValue::GenericError, error.message());
    value.setProperty(QStringLiteral("code"), QRustBridgeError::codeName(error.code()));
    if (!error.method().isEmpty())
        value.setProperty(QStringLiteral("method"), error.method());
    if (!error.requestId().isEmpty())
        value.setProperty(QStringLiteral("requestId"), error.requestId());
    // Always present, so QML can test error.remoteCode === "not_found"
    // without first asking whether the property exists.
    value.setProperty(QStringLiteral("remoteCode"), error.remoteCode());
    value.setProperty(QStringLiteral("remoteData"), error.remoteData().isUndefined()
                                                        ? QJSValue(QJSValue::UndefinedValue)
                                                        : QRustJSValueConverter::toJs(engine, error.remoteData()));
    return value;
}

// ---------------------------------------------------------------------------
// QRustBridgeElement

QRustBridgeElement::QRustBridgeElement(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<QRustBridgeElementPrivate>(this))
{
}

QRustBridgeElement::~QRustBridgeElement()
{
    d->shutdown();
}

#define QRUSTBRIDGEELEMENT_OPTION(Type, ArgType, getter, setter, member)                           \
    Type QRustBridgeElement::getter() const { return d->options.member; }                          \
    void QRustBridgeElement::setter(ArgType value)                                                 \
    {                                                                                              \
        if (d->options.member == value)                                                            \
            return;                                                                                \
        d->options.member = value;                                                                 \
        d->markOptionsChanged();                                                                   \
    }

QRUSTBRIDGEELEMENT_OPTION(QString, const QString &, binaryName, setBinaryName, binaryName)
QRUSTBRIDGEELEMENT_OPTION(QString, const QString &, binaryPath, setBinaryPath, binaryPath)
QRUSTBRIDGEELEMENT_OPTION(QString, const QString &, envVarName, setEnvVarName, envVarName)
QRUSTBRIDGEELEMENT_OPTION(QString, const QString &, platformPackagePrefix, setPlatformPackagePrefix, platformPackagePrefix)
QRUSTBRIDGEELEMENT_OPTION(QStringList, const QStringList &, localPaths, setLocalPaths, localPaths)
QRUSTBRIDGEELEMENT_OPTION(bool, bool, searchSystemPath, setSearchSystemPath, searchSystemPath)
QRUSTBRIDGEELEMENT_OPTION(QStringList, const QStringList &, cliArgs, setCliArgs, cliArgs)
QRUSTBRIDGEELEMENT_OPTION(int, int, requestTimeoutMs, setRequestTimeoutMs, requestTimeoutMs)
QRUSTBRIDGEELEMENT_OPTION(int, int, streamTimeoutMs, setStreamTimeoutMs, streamTimeoutMs)
QRUSTBRIDGEELEMENT_OPTION(int, int, readyTimeoutMs, setReadyTimeoutMs, readyTimeoutMs)
QRUSTBRIDGEELEMENT_OPTION(qint64, qint64, maxPayloadSize, setMaxPayloadSize, maxPayloadSize)
QRUSTBRIDGEELEMENT_OPTION(QString, const QString &, readyEventName, setReadyEventName, readyEventName)
QRUSTBRIDGEELEMENT_OPTION(QString, const QString &, cancelMethod, setCancelMethod, cancelMethod)
QRUSTBRIDGEELEMENT_OPTION(bool, bool, searchWorkingDirectory, setSearchWorkingDirectory, searchWorkingDirectory)
QRUSTBRIDGEELEMENT_OPTION(bool, bool, traceMessages, setTraceMessages, traceMessages)
QRUSTBRIDGEELEMENT_OPTION(int, int, streamBufferLimit, setStreamBufferLimit, streamBufferLimit)
QRUSTBRIDGEELEMENT_OPTION(qint64, qint64, inboundHighWaterMark, setInboundHighWaterMark, inboundHighWaterMark)
QRUSTBRIDGEELEMENT_OPTION(bool, bool, dedicatedIoThread, setDedicatedIoThread, dedicatedIoThread)
QRUSTBRIDGEELEMENT_OPTION(QString, const QString &, expectedSchema, setExpectedSchema, expectedSchema)
QRUSTBRIDGEELEMENT_OPTION(bool, bool, failOnSchemaMismatch, setFailOnSchemaMismatch, failOnSchemaMismatch)

#undef QRUSTBRIDGEELEMENT_OPTION

QVariantMap QRustBridgeElement::environment() const
{
    QVariantMap map;
    const QProcessEnvironment &env = d->options.environment;
    for (const QString &key : env.keys())
        map.insert(key, env.value(key));
    return map;
}

void QRustBridgeElement::setEnvironment(const QVariantMap &value)
{
    QProcessEnvironment env;
    for (auto it = value.constBegin(); it != value.constEnd(); ++it)
        env.insert(it.key(), it.value().toString());
    if (env == d->options.environment)
        return;
    d->options.environment = env;
    d->markOptionsChanged();
}

bool QRustBridgeElement::autoStart() const
{
    return d->autoStart;
}

void QRustBridgeElement::setAutoStart(bool value)
{
    if (d->autoStart == value)
        return;
    d->autoStart = value;
    Q_EMIT autoStartChanged();
}

bool QRustBridgeElement::isRunning() const
{
    return d->bridge && d->bridge->isRunning();
}

QRustBridgeElement::State QRustBridgeElement::state() const
{
    return d->bridge ? State(int(d->bridge->state())) : NotRunning;
}

QString QRustBridgeElement::lastErrorCode() const
{
    return d->lastErrorCode;
}

QString QRustBridgeElement::lastErrorString() const
{
    return d->lastErrorString;
}

QJSValue QRustBridgeElement::spawn()
{
    return d->start([](QRustBridge &bridge) { return bridge.spawn(); });
}

namespace {
// A field of an optional options object; undefined when absent.
QJSValue optionField(const QJSValue &object, const char *name)
{
    return object.isObject() ? object.property(QString::fromLatin1(name)) : QJSValue();
}
} // namespace

void QRustBridgeElementPrivate::readSocketOptions(const QJSValue &object, QRustSocketOptions *options)
{
    const auto read = [&object](const char *name) { return optionField(object, name); };
    if (const QJSValue v = read("autoReconnect"); !v.isUndefined())
        options->autoReconnect = v.toBool();
    if (const QJSValue v = read("reconnectBaseDelayMs"); v.isNumber())
        options->reconnectBaseDelayMs = v.toInt();
    if (const QJSValue v = read("reconnectMaxDelayMs"); v.isNumber())
        options->reconnectMaxDelayMs = v.toInt();
    if (const QJSValue v = read("maxReconnectAttempts"); v.isNumber())
        options->maxReconnectAttempts = v.toInt();
    if (const QJSValue v = read("trustedServerUids"); v.isArray()) {
        const int count = v.property(QStringLiteral("length")).toInt();
        for (int i = 0; i < count; ++i) {
            const QJSValue uid = v.property(quint32(i));
            if (uid.isNumber() && uid.toNumber() >= 0)
                options->trustedServerUids.append(uid.toUInt());
        }
    }
}

void QRustBridgeElementPrivate::readTcpOptions(const QJSValue &object, QRustTcpOptions *options)
{
    readSocketOptions(object, options);
    const auto read = [&object](const char *name) { return optionField(object, name); };
    if (const QJSValue v = read("useTls"); !v.isUndefined())
        options->useTls = v.toBool();
    if (const QJSValue v = read("verifyPeer"); !v.isUndefined())
        options->verifyPeer = v.toBool();
    if (const QJSValue v = read("caCertificateFile"); v.isString())
        options->caCertificateFile = v.toString();
    if (const QJSValue v = read("clientCertificateFile"); v.isString())
        options->clientCertificateFile = v.toString();
    if (const QJSValue v = read("clientKeyFile"); v.isString())
        options->clientKeyFile = v.toString();
    if (const QJSValue v = read("peerVerifyName"); v.isString())
        options->peerVerifyName = v.toString();
}

QJSValue QRustBridgeElement::connectToServer(const QString &path, const QJSValue &options)
{
    QRustSocketOptions socketOptions;
    QRustBridgeElementPrivate::readSocketOptions(options, &socketOptions);
    return d->start([path, socketOptions](QRustBridge &bridge) {
        return bridge.connectToServer(path, socketOptions);
    });
}

QJSValue QRustBridgeElement::connectToHost(const QString &host, int port, const QJSValue &options)
{
    QRustTcpOptions tcpOptions;
    QRustBridgeElementPrivate::readTcpOptions(options, &tcpOptions);
    if (port <= 0 || port > 65535) {
        // Through the bridge, so the failure looks like any other start failure.
        return d->start([](QRustBridge &bridge) { return bridge.connectToHost(QString(), 0); });
    }
    return d->start([host, port, tcpOptions](QRustBridge &bridge) {
        return bridge.connectToHost(host, quint16(port), tcpOptions);
    });
}

QJSValue QRustBridgeElement::call(const QString &method, const QJSValue &params)
{
    using Kind = QRustBridgeElementPrivate::Pending::Kind;
    quint64 token = 0;
    QRustBridgeElementPrivate::Pending &entry = d->addPending(Kind::Call, method, &token);
    const QJSValue promise = entry.promise;
    QJsonValue json;
    if (!d->paramsToJson(token, method, params, &json))
        return promise;
    QRustBridge *bridge = d->ensureBridge(false);
    // The callback overload costs no QFuture, watcher or posted events. It
    // cannot cancel a request in the bridge, so the QFuture overload stays for
    // bridges with a cancelMethod (cancel() must reach the backend), and for a
    // bridge that is not running (its queued NotRunning reply would be lost if
    // the element died first; the QFuture keeps it).
    if (bridge->state() == QRustBridge::State::Running && bridge->options().cancelMethod.isEmpty()) {
        entry.viaHandler = true;
        d->sendViaHandler(bridge, token, method, json);
        return promise;
    }
    auto *watcher = new QFutureWatcher<QJsonValue>(this);
    entry.watcher = watcher;
    entry.future = bridge->sendCommand(method, json);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, token] {
        const auto it = d->pending.find(token);
        if (it != d->pending.end())
            d->settle(token, d->outcomeOf(it->second.future, it->second.method));
    });
    watcher->setFuture(*entry.future);
    return promise;
}

QJSValue QRustBridgeElement::stream(const QString &method, const QJSValue &params, const QJSValue &onChunk)
{
    using Kind = QRustBridgeElementPrivate::Pending::Kind;
    using Outcome = QRustBridgeElementPrivate::Outcome;
    quint64 token = 0;
    QRustBridgeElementPrivate::Pending &entry = d->addPending(Kind::Stream, method, &token);
    const QJSValue promise = entry.promise;
    if (!onChunk.isUndefined() && !onChunk.isNull() && !onChunk.isCallable())
        qmlWarning(this) << "stream(): onChunk is not a function and is ignored";
    entry.onChunk = onChunk;
    QJsonValue json;
    if (!d->paramsToJson(token, method, params, &json))
        return promise;
    QRustStream *stream = d->ensureBridge(false)->sendCommandStreaming(method, json);
    entry.stream = stream;
    entry.future = stream->result();
    connect(stream, &QRustStream::chunkReceived, this, [this, token](const QJsonValue &data) {
        const auto it = d->pending.find(token);
        QJSEngine *engine = d->jsEngine();
        if (it == d->pending.end() || !engine || !it->second.onChunk.isCallable())
            return;
        const QJSValue callback = it->second.onChunk;  // the callback may settle or erase the entry
        const QJSValue result = callback.call({QRustJSValueConverter::toJs(engine, data)});
        if (result.isError())
            qmlWarning(this) << "stream(): onChunk threw: " << result.toString();
    });
    connect(stream, &QRustStream::finished, this,
            [this, token](const QJsonValue &result) { d->settle(token, Outcome::resolved(result)); });
    connect(stream, &QRustStream::failed, this,
            [this, token](const QRustBridgeError &error) { d->settle(token, Outcome::rejected(error)); });
    return promise;
}

bool QRustBridgeElement::cancel(const QJSValue &promise)
{
    using Kind = QRustBridgeElementPrivate::Pending::Kind;
    for (auto &[token, entry] : d->pending) {
        if (entry.kind != Kind::Call && entry.kind != Kind::Stream)
            continue;
        if (!entry.promise.strictlyEquals(promise))
            continue;
        if (entry.viaHandler) {
            // No cancelMethod: nothing to tell the backend. The reply, when it
            // comes, finds no entry and is dropped.
            const quint64 cancelled = token;
            d->settle(cancelled, QRustBridgeElementPrivate::Outcome::rejected(
                                     QRustBridgeElementPrivate::cancelledError(entry.method)));
            return true;  // `entry` is gone: leave the loop at once
        }
        if (entry.kind == Kind::Stream) {
            if (QPointer<QRustStream> stream = entry.stream)
                stream->cancel();  // settles at once through failed(); the loop is left right away
        } else {
            // Settles through the watcher once the bridge finished the request.
            if (entry.future) {
                QFuture<QJsonValue> future = *entry.future;
                future.cancel();
            }
        }
        return true;
    }
    return false;
}

QJSValue QRustBridgeElement::kill()
{
    using Kind = QRustBridgeElementPrivate::Pending::Kind;
    using Outcome = QRustBridgeElementPrivate::Outcome;
    quint64 token = 0;
    const QJSValue promise = d->addPending(Kind::Kill, QString(), &token).promise;
    if (!d->bridge || d->bridge->state() == QRustBridge::State::NotRunning)
        d->settle(token, Outcome::resolved(QJsonValue(QJsonValue::Undefined)));
    else
        d->bridge->kill();  // resolved by onBridgeStateChanged(NotRunning)
    return promise;
}

void QRustBridgeElement::classBegin()
{
    d->jsEngine();
}

void QRustBridgeElement::componentComplete()
{
    if (d->autoStart)
        spawn();
}
