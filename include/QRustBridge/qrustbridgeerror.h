#pragma once

#include <QRustBridge/qrustbridge_export.h>

#include <QtCore/QException>
#include <QtCore/QJsonValue>
#include <QtCore/QMetaType>
#include <QtCore/QString>

/*!
    \class QRustBridgeError
    \brief Why a request, a stream or the bridge itself failed.

    Carried by failed futures (catch it with QFuture::onFailed), by
    QRustStream::failed() and by QRustBridge::errorOccurred().
    message() is translated and meant for people; code() is for programs.
*/
class QRUSTBRIDGE_EXPORT QRustBridgeError : public QException
{
    Q_GADGET
public:
    /*! What went wrong. */
    enum class Code {
        NoError,         //!< Default-constructed: nothing went wrong.
        NotRunning,      //!< The bridge was not running when the request was sent.
        Timeout,         //!< No response within requestTimeoutMs.
        StreamTimeout,   //!< A stream stayed silent for streamTimeoutMs.
        Remote,          //!< The backend answered with success:false; message() is its error.
        PayloadTooLarge, //!< The request line would exceed maxPayloadSize; nothing was written.
        ProcessExited,   //!< The backend process exited or was stopped.
        Disconnected,    //!< The socket connection was lost or closed.
        Cancelled,       //!< The request was cancelled.
        ProtocolError,   //!< The backend sent something that does not fit the protocol or the typed result.
        WriteFailed,     //!< Reserved for a transport refusing a write; not produced today (the connection's end fails the requests instead, see docs/error-codes.md). Kept so the values that follow stay stable.
        BinaryNotFound,  //!< No executable backend was found.
        StartFailed,     //!< The backend could not be started or connected to.
        ReadyTimeout,    //!< The ready event did not arrive within readyTimeoutMs.
        SchemaMismatch,  //!< The backend describes other commands than the client was generated for (QRustBridgeOptions::failOnSchemaMismatch).
    };
    Q_ENUM(Code)

    /*! An error with Code::NoError. */
    QRustBridgeError();
    /*! An error with \a code and human-readable \a message, optionally naming the request. */
    QRustBridgeError(Code code, const QString &message, const QString &method = {},
                     const QString &requestId = {});
    ~QRustBridgeError() override;
    /*! Copies \a other (errors are values: signals and futures carry copies). */
    QRustBridgeError(const QRustBridgeError &other);
    /*! Assigns \a other. */
    QRustBridgeError &operator=(const QRustBridgeError &other);
    /*! Moves \a other; never throws, so containers of errors (and of
        messages holding one) move instead of copying when they grow. */
    QRustBridgeError(QRustBridgeError &&other) noexcept;
    /*! Move-assigns \a other; never throws. */
    QRustBridgeError &operator=(QRustBridgeError &&other) noexcept;

    /*! What went wrong, for programs. */
    Code code() const;
    /*! Human-readable, translated explanation. */
    QString message() const;
    /*! Method of the failed request, empty for bridge-level errors. */
    QString method() const;
    /*! Wire id of the failed request, empty for bridge-level errors. */
    QString requestId() const;
    /*! The backend's machine-readable error code, for Code::Remote errors
        whose response carried a string \c "errorCode" beside \c "error"
        (e.g. \c "not_found"); empty otherwise, and for a code that is not
        a string. See docs/error-codes.md. */
    QString remoteCode() const;
    /*! The backend's \c "errorData" of a Code::Remote error (any JSON, e.g.
        \c {"path":"/etc/x"}); undefined (QJsonValue::Undefined) when the
        response had none. */
    QJsonValue remoteData() const;
    /*! Sets remoteCode() and remoteData(). The bridge does this for remote
        errors; a test double or a wrapper that rebuilds an error uses it to
        keep them. */
    void setRemoteDetails(const QString &remoteCode, const QJsonValue &remoteData);
    /*! True unless code() is NoError. */
    bool isError() const;
    /*! Stable English name of \a code, e.g. "Timeout" (for logs and QML). */
    static QString codeName(Code code);

    /*! Throws a copy (QException protocol, lets QFuture carry it across threads). */
    void raise() const override;
    /*! A heap copy (QException protocol). */
    QRustBridgeError *clone() const override;
    /*! "CodeName: message", UTF-8. */
    const char *what() const noexcept override;

private:
    Code m_code = Code::NoError;
    QString m_message;
    QString m_method;
    QString m_requestId;
    QString m_remoteCode;
    QJsonValue m_remoteData = QJsonValue(QJsonValue::Undefined);
    mutable QByteArray m_what; // cache for what()
};

Q_DECLARE_METATYPE(QRustBridgeError)
