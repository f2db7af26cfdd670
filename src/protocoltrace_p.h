#pragma once

#include <QtCore/QByteArrayView>
#include <QtCore/QLoggingCategory>

// Debug level, and on by default: nothing is written to it unless a trace
// was asked for; QT_LOGGING_RULES="qrustbridge.trace.debug=false" hides it.
Q_DECLARE_LOGGING_CATEGORY(lcQRustBridgeTrace)

// The protocol trace: every line sent to and received from the backend,
// with a timestamp and its direction, to "qrustbridge.trace". Switched on
// per bridge (QRustBridgeOptions::traceMessages) or for every bridge
// (environment QRUSTBRIDGE_TRACE=1). Callers test isRequested() once and
// then pay one branch per line when it is off.
class ProtocolTrace
{
public:
    // The option, or QRUSTBRIDGE_TRACE set to anything but empty or "0".
    static bool isRequested(bool traceMessages);
    static void sent(QByteArrayView line);
    static void received(QByteArrayView line);

    // Longer lines are cut here (a 50 MiB reply would flood any log).
    static constexpr qsizetype maxShownBytes = 16 * 1024;
};
