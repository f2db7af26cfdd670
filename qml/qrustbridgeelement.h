#pragma once

#include "qrustbridgeqml_export.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>
#include <QtQml/QJSValue>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QRustBridgeElementPrivate;

/*!
    \class QRustBridgeElement
    \brief The QML element \c RustBridge (module \c QRustBridge 1.0): a QRustBridge for QML.

    \code
    import QRustBridge

    RustBridge {
        id: backend
        binaryName: "demo-backend"
        autoStart: true
        onReady: backend.call("add", {a: 2, b: 3}).then(sum => console.log(sum))
    }
    \endcode

    Not a visual item: a QObject with QQmlParserStatus, so it may live
    anywhere in a QML tree. The option properties mirror QRustBridgeOptions;
    the C++ QRustBridge is created from them lazily by spawn() or
    connectToServer() (and by call()/stream(), which then fail with
    NotRunning). A QRustBridge's options are fixed, so when a property
    changes, the next spawn()/connectToServer() made while the backend is
    not running replaces the bridge with one built from the new values.

    spawn(), connectToServer(), call(), stream() and kill() return real
    JavaScript Promises; each settles exactly once, on the GUI thread.
    spawn() and connectToServer() resolve \c true or \c false and never
    reject. call() and stream() resolve with the backend's result, or reject
    with an \c Error whose \c code is QRustBridgeError::codeName() (e.g.
    \c "Remote", \c "Timeout", \c "ProcessExited") and whose \c message says
    what happened; \c method and \c requestId are set when known;
    \c remoteCode and \c remoteData carry a Remote error's
    QRustBridgeError::remoteCode() and remoteData() (\c "" and \c undefined
    when the backend sent none). Their
    promises have an extra \c cancel() method (same as cancel(promise)).
    kill() resolves (with \c undefined) once the state is NotRunning.

    When the element is destroyed, the backend is stopped and every pending
    promise still settles: calls and streams reject (\c ProcessExited or
    \c Disconnected, "the bridge was destroyed"), spawn()/connectToServer()
    resolve \c false, kill() resolves. These settlements are posted to the
    JavaScript engine and are dropped silently if the engine is gone first.

    See docs/qml.md for every property, signal and method with examples.
*/
class QRUSTBRIDGEQML_EXPORT QRustBridgeElement : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    QML_NAMED_ELEMENT(RustBridge)
    Q_INTERFACES(QQmlParserStatus)

    // Options, see QRustBridgeOptions. All share the notify signal optionsChanged().
    Q_PROPERTY(QString binaryName READ binaryName WRITE setBinaryName NOTIFY optionsChanged)
    Q_PROPERTY(QString binaryPath READ binaryPath WRITE setBinaryPath NOTIFY optionsChanged)
    Q_PROPERTY(QString envVarName READ envVarName WRITE setEnvVarName NOTIFY optionsChanged)
    Q_PROPERTY(QString platformPackagePrefix READ platformPackagePrefix WRITE setPlatformPackagePrefix NOTIFY optionsChanged)
    Q_PROPERTY(QStringList localPaths READ localPaths WRITE setLocalPaths NOTIFY optionsChanged)
    Q_PROPERTY(bool searchSystemPath READ searchSystemPath WRITE setSearchSystemPath NOTIFY optionsChanged)
    Q_PROPERTY(QStringList cliArgs READ cliArgs WRITE setCliArgs NOTIFY optionsChanged)
    Q_PROPERTY(int requestTimeoutMs READ requestTimeoutMs WRITE setRequestTimeoutMs NOTIFY optionsChanged)
    Q_PROPERTY(int streamTimeoutMs READ streamTimeoutMs WRITE setStreamTimeoutMs NOTIFY optionsChanged)
    Q_PROPERTY(int readyTimeoutMs READ readyTimeoutMs WRITE setReadyTimeoutMs NOTIFY optionsChanged)
    Q_PROPERTY(qint64 maxPayloadSize READ maxPayloadSize WRITE setMaxPayloadSize NOTIFY optionsChanged)
    Q_PROPERTY(QVariantMap environment READ environment WRITE setEnvironment NOTIFY optionsChanged)
    Q_PROPERTY(QString readyEventName READ readyEventName WRITE setReadyEventName NOTIFY optionsChanged)
    Q_PROPERTY(QString cancelMethod READ cancelMethod WRITE setCancelMethod NOTIFY optionsChanged)
    Q_PROPERTY(bool searchWorkingDirectory READ searchWorkingDirectory WRITE setSearchWorkingDirectory NOTIFY optionsChanged)
    Q_PROPERTY(bool traceMessages READ traceMessages WRITE setTraceMessages NOTIFY optionsChanged)
    Q_PROPERTY(int streamBufferLimit READ streamBufferLimit WRITE setStreamBufferLimit NOTIFY optionsChanged)
    Q_PROPERTY(qint64 inboundHighWaterMark READ inboundHighWaterMark WRITE setInboundHighWaterMark NOTIFY optionsChanged)
    Q_PROPERTY(bool dedicatedIoThread READ dedicatedIoThread WRITE setDedicatedIoThread NOTIFY optionsChanged)
    Q_PROPERTY(QString expectedSchema READ expectedSchema WRITE setExpectedSchema NOTIFY optionsChanged)
    Q_PROPERTY(bool failOnSchemaMismatch READ failOnSchemaMismatch WRITE setFailOnSchemaMismatch NOTIFY optionsChanged)

    Q_PROPERTY(bool autoStart READ autoStart WRITE setAutoStart NOTIFY autoStartChanged)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString lastErrorCode READ lastErrorCode NOTIFY lastErrorChanged)
    Q_PROPERTY(QString lastErrorString READ lastErrorString NOTIFY lastErrorChanged)

public:
    /*! Same values and meaning as QRustBridge::State; in QML e.g. \c RustBridge.Running. */
    enum State {
        NotRunning,
        Starting,
        Running,
        Reconnecting,
        Stopping,
    };
    Q_ENUM(State)

    explicit QRustBridgeElement(QObject *parent = nullptr);
    /*! Stops the backend and settles every pending promise (see the class documentation). */
    ~QRustBridgeElement() override;

    QString binaryName() const;
    void setBinaryName(const QString &value);
    QString binaryPath() const;
    void setBinaryPath(const QString &value);
    QString envVarName() const;
    void setEnvVarName(const QString &value);
    QString platformPackagePrefix() const;
    void setPlatformPackagePrefix(const QString &value);
    QStringList localPaths() const;
    void setLocalPaths(const QStringList &value);
    bool searchSystemPath() const;
    void setSearchSystemPath(bool value);
    QStringList cliArgs() const;
    void setCliArgs(const QStringList &value);
    int requestTimeoutMs() const;
    void setRequestTimeoutMs(int value);
    int streamTimeoutMs() const;
    void setStreamTimeoutMs(int value);
    int readyTimeoutMs() const;
    void setReadyTimeoutMs(int value);
    qint64 maxPayloadSize() const;
    void setMaxPayloadSize(qint64 value);
    /*! Variables merged over the inherited environment; values are converted to strings. */
    QVariantMap environment() const;
    void setEnvironment(const QVariantMap &value);
    QString readyEventName() const;
    void setReadyEventName(const QString &value);
    QString cancelMethod() const;
    void setCancelMethod(const QString &value);
    bool searchWorkingDirectory() const;
    void setSearchWorkingDirectory(bool value);
    bool traceMessages() const;
    void setTraceMessages(bool value);
    int streamBufferLimit() const;
    void setStreamBufferLimit(int value);
    qint64 inboundHighWaterMark() const;
    void setInboundHighWaterMark(qint64 value);
    bool dedicatedIoThread() const;
    void setDedicatedIoThread(bool value);
    QString expectedSchema() const;
    void setExpectedSchema(const QString &value);
    bool failOnSchemaMismatch() const;
    void setFailOnSchemaMismatch(bool value);

    /*! When true, spawn() is called once the component is complete. */
    bool autoStart() const;
    void setAutoStart(bool value);

    bool isRunning() const;
    State state() const;
    /*! QRustBridgeError::codeName() of the last bridge-level error, "" if none. */
    QString lastErrorCode() const;
    /*! Human-readable text of the last bridge-level error (start failure, exit, disconnect). */
    QString lastErrorString() const;

    /*! Starts the backend as a child process. Promise of \c true once ready, else \c false. */
    Q_INVOKABLE QJSValue spawn();
    /*!
        Connects to a backend daemon on the local socket \a path. \a options
        is an optional object with the QRustSocketOptions fields
        \c autoReconnect, \c reconnectBaseDelayMs, \c reconnectMaxDelayMs and
        \c maxReconnectAttempts. Promise of \c true once ready, else \c false.
    */
    Q_INVOKABLE QJSValue connectToServer(const QString &path, const QJSValue &options = QJSValue());
    /*!
        Connects to a backend over TCP at \a host : \a port (see
        QRustBridge::connectToHost()). \a options is an optional object with
        the reconnect fields of connectToServer() and the QRustTcpOptions
        fields \c useTls, \c verifyPeer, \c caCertificateFile,
        \c clientCertificateFile, \c clientKeyFile and \c peerVerifyName.
        Promise of \c true once ready, else \c false.
    */
    Q_INVOKABLE QJSValue connectToHost(const QString &host, int port, const QJSValue &options = QJSValue());
    /*! Sends \a method with \a params (any JSON-compatible value). Promise of the result. */
    Q_INVOKABLE QJSValue call(const QString &method, const QJSValue &params = QJSValue());
    /*!
        Sends a streaming request. \a onChunk, if a function, is called with
        each chunk in order; the promise resolves with the final result after
        the last chunk. An exception thrown by \a onChunk is reported as a
        warning and does not stop the stream.
    */
    Q_INVOKABLE QJSValue stream(const QString &method, const QJSValue &params = QJSValue(),
                                const QJSValue &onChunk = QJSValue());
    /*!
        Cancels the call() or stream() behind \a promise: it rejects with
        code \c "Cancelled" and the backend gets cancelMethod, if set.
        Returns false if \a promise is not pending on this element.
    */
    Q_INVOKABLE bool cancel(const QJSValue &promise);
    /*! Stops the backend (see QRustBridge::kill()). Promise resolved once the state is NotRunning. */
    Q_INVOKABLE QJSValue kill();

    void classBegin() override;
    void componentComplete() override;

Q_SIGNALS:
    void optionsChanged();
    void autoStartChanged();
    void runningChanged();
    void stateChanged();
    void lastErrorChanged();

    void ready();
    void eventReceived(const QString &name, const QJSValue &data);
    void standardErrorLine(const QString &line);
    /*! Stdio mode: the backend process ended with \a code (-1 if it crashed). */
    void exited(int code);
    void disconnected();
    void reconnected();
    void reconnectFailed();
    /*! A bridge-level error; \a code is QRustBridgeError::codeName(). */
    void errorOccurred(const QString &code, const QString &message);

private:
    friend class QRustBridgeElementPrivate;
    std::unique_ptr<QRustBridgeElementPrivate> d;
};
