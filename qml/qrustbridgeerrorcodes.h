#pragma once

#include "qrustbridgeqml_export.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtQml/qqmlregistration.h>

/*!
    \class QRustBridgeErrorCodes
    \brief The QML singleton \c QRustBridgeError: the error codes by name.

    A rejected call() or stream() carries its code as a string
    (QRustBridgeError::codeName()); these constants hold the same strings,
    so QML compares against a name the engine checks instead of a literal:

    \code
    backend.call("parse", text).catch(error => {
        if (error.code === QRustBridgeError.Timeout)
            retry();
    });
    \endcode
*/
class QRUSTBRIDGEQML_EXPORT QRustBridgeErrorCodes : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(QRustBridgeError)
    QML_SINGLETON
    Q_PROPERTY(QString NoError MEMBER m_noError CONSTANT)
    Q_PROPERTY(QString NotRunning MEMBER m_notRunning CONSTANT)
    Q_PROPERTY(QString Timeout MEMBER m_timeout CONSTANT)
    Q_PROPERTY(QString StreamTimeout MEMBER m_streamTimeout CONSTANT)
    Q_PROPERTY(QString Remote MEMBER m_remote CONSTANT)
    Q_PROPERTY(QString PayloadTooLarge MEMBER m_payloadTooLarge CONSTANT)
    Q_PROPERTY(QString ProcessExited MEMBER m_processExited CONSTANT)
    Q_PROPERTY(QString Disconnected MEMBER m_disconnected CONSTANT)
    Q_PROPERTY(QString Cancelled MEMBER m_cancelled CONSTANT)
    Q_PROPERTY(QString ProtocolError MEMBER m_protocolError CONSTANT)
    Q_PROPERTY(QString WriteFailed MEMBER m_writeFailed CONSTANT)
    Q_PROPERTY(QString BinaryNotFound MEMBER m_binaryNotFound CONSTANT)
    Q_PROPERTY(QString StartFailed MEMBER m_startFailed CONSTANT)
    Q_PROPERTY(QString ReadyTimeout MEMBER m_readyTimeout CONSTANT)
    Q_PROPERTY(QString SchemaMismatch MEMBER m_schemaMismatch CONSTANT)

public:
    explicit QRustBridgeErrorCodes(QObject *parent = nullptr);

private:
    QString m_noError;
    QString m_notRunning;
    QString m_timeout;
    QString m_streamTimeout;
    QString m_remote;
    QString m_payloadTooLarge;
    QString m_processExited;
    QString m_disconnected;
    QString m_cancelled;
    QString m_protocolError;
    QString m_writeFailed;
    QString m_binaryNotFound;
    QString m_startFailed;
    QString m_readyTimeout;
    QString m_schemaMismatch;
};
