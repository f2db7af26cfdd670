#include "qrustbridgeerrorcodes.h"

#include <QRustBridge/qrustbridgeerror.h>

namespace {
QString nameOf(QRustBridgeError::Code code)
{
    return QRustBridgeError::codeName(code);
}
} // namespace

// From codeName(), so the QML names cannot drift from the C++ ones.
QRustBridgeErrorCodes::QRustBridgeErrorCodes(QObject *parent)
    : QObject(parent)
    , m_noError(nameOf(QRustBridgeError::Code::NoError))
    , m_notRunning(nameOf(QRustBridgeError::Code::NotRunning))
    , m_timeout(nameOf(QRustBridgeError::Code::Timeout))
    , m_streamTimeout(nameOf(QRustBridgeError::Code::StreamTimeout))
    , m_remote(nameOf(QRustBridgeError::Code::Remote))
    , m_payloadTooLarge(nameOf(QRustBridgeError::Code::PayloadTooLarge))
    , m_processExited(nameOf(QRustBridgeError::Code::ProcessExited))
    , m_disconnected(nameOf(QRustBridgeError::Code::Disconnected))
    , m_cancelled(nameOf(QRustBridgeError::Code::Cancelled))
    , m_protocolError(nameOf(QRustBridgeError::Code::ProtocolError))
    , m_writeFailed(nameOf(QRustBridgeError::Code::WriteFailed))
    , m_binaryNotFound(nameOf(QRustBridgeError::Code::BinaryNotFound))
    , m_startFailed(nameOf(QRustBridgeError::Code::StartFailed))
    , m_readyTimeout(nameOf(QRustBridgeError::Code::ReadyTimeout))
    , m_schemaMismatch(nameOf(QRustBridgeError::Code::SchemaMismatch))
{
}
