#pragma once

// Private implementation of QRustBridgeElement. Not installed, not API.

#include "qrustbridgeelement.h"

#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrustbridgeerror.h>
#include <QRustBridge/qrustbridgeoptions.h>
#include <QRustBridge/qrustsocketoptions.h>
#include <QRustBridge/qrusttcpoptions.h>

#include <QtCore/QFuture>
#include <QtCore/QJsonValue>
#include <QtCore/QPointer>
#include <QtQml/QJSEngine>
#include <QtQml/QJSValue>

#include <functional>
#include <map>
#include <optional>

class QRustStream;

class QRustBridgeElementPrivate
{
public:
    // How a promise settles: resolved with a JSON value (undefined = JS undefined) or rejected.
    struct Outcome
    {
        bool ok = true;
        QJsonValue value = QJsonValue(QJsonValue::Undefined);
        QRustBridgeError error;

        static Outcome resolved(const QJsonValue &value) { return {true, value, {}}; }
        static Outcome rejected(const QRustBridgeError &error) { return {false, {}, error}; }
    };

    // One JavaScript promise waiting for the bridge.
    struct Pending
    {
        enum class Kind { Start, Call, Stream, Kill };
        Kind kind = Kind::Call;
        QString method;
        QJSValue promise;
        QJSValue settle;                 // settle(ok, value): resolves or rejects the promise
        QJSValue onChunk;
        // Optional: a default-constructed QFuture allocates its shared state,
        // which a Call through the callback overload never needs.
        std::optional<QFuture<bool>> startFuture;
        std::optional<QFuture<QJsonValue>> future;  // Call through the QFuture overload, Stream
        QObject *watcher = nullptr;      // QFutureWatcher for Start and a Call through the QFuture overload
        QPointer<QRustStream> stream;    // for Stream
        // A Call through the callback overload of QRustBridge::sendCommand():
        // no QFuture, no watcher. Used while the bridge runs without a
        // cancelMethod (cancel() then only has to reject the promise).
        bool viaHandler = false;
        // Its reply when the bridge handed it over during shutdown().
        bool hasShutdownOutcome = false;
        Outcome shutdownOutcome;
    };

    explicit QRustBridgeElementPrivate(QRustBridgeElement *q);

    QJSEngine *jsEngine();
    // Creates a pending entry with a new JS promise; the promise is undefined without an engine.
    Pending &addPending(Pending::Kind kind, const QString &method, quint64 *token);
    QRustBridge *ensureBridge(bool replaceIfStale);
    void connectBridge();
    void markOptionsChanged();
    // Starts the bridge with `begin` (spawn, connectToServer, connectToHost):
    // a promise of true once ready, else false.
    QJSValue start(const std::function<QFuture<bool>(QRustBridge &)> &begin);
    // Reads the QRustSocketOptions / QRustTcpOptions fields present in a JS object.
    static void readSocketOptions(const QJSValue &object, QRustSocketOptions *options);
    static void readTcpOptions(const QJSValue &object, QRustTcpOptions *options);
    // Converts call()/stream() params; on failure rejects the pending promise with ProtocolError.
    bool paramsToJson(quint64 token, const QString &method, const QJSValue &params, QJsonValue *json);
    // Sends a Call through the callback overload; the reply settles the entry.
    void sendViaHandler(QRustBridge *bridge, quint64 token, const QString &method, const QJsonValue &params);
    void onReply(quint64 token, const QJsonValue &result, const QRustBridgeError &error);
    static QRustBridgeError cancelledError(const QString &method);
    void refreshLastError();
    void onBridgeStateChanged(QRustBridge::State newState);

    // Removes the entry and delivers its outcome to JavaScript; no-op if already settled.
    void settle(quint64 token, const Outcome &outcome);
    void detach(QObject *watcher, QRustStream *stream);
    void shutdown();

    // What a finished (or never started: no future) request settles with.
    static Outcome outcomeOf(const std::optional<QFuture<QJsonValue>> &future, const QString &method);
    static Outcome outcomeOf(const std::optional<QFuture<bool>> &future);
    static void deliver(QJSEngine *engine, const Pending &entry, const Outcome &outcome);
    static QJSValue errorToJs(QJSEngine *engine, const QRustBridgeError &error);

    QRustBridgeElement *q;
    QRustBridgeOptions options;
    bool optionsDirty = false;
    bool autoStart = false;
    QPointer<QRustBridge> bridge;
    QPointer<QJSEngine> engine;
    QJSValue promiseFactory;  // bound to this element: (cancellable) => [promise, settle]
    bool shuttingDown = false;
    quint64 nextToken = 1;
    std::map<quint64, Pending> pending;
    QString lastErrorCode;
    QString lastErrorString;
};
