#include "protocoltrace_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QDebug>

Q_LOGGING_CATEGORY(lcQRustBridgeTrace, "qrustbridge.trace")

namespace {

void write(const char *direction, QByteArrayView line)
{
    if (!lcQRustBridgeTrace().isDebugEnabled())
        return;
    const QString time = QDateTime::currentDateTime().toString(Qt::ISODateWithMs);
    QString text = QString::fromUtf8(line.first(qMin(line.size(), ProtocolTrace::maxShownBytes)));
    if (line.size() > ProtocolTrace::maxShownBytes)
        text += QStringLiteral(" ... (%1 bytes)").arg(line.size());
    qCDebug(lcQRustBridgeTrace).noquote() << time << direction << text;
}

} // namespace

bool ProtocolTrace::isRequested(bool traceMessages)
{
    if (traceMessages)
        return true;
    const QByteArray variable = qgetenv("QRUSTBRIDGE_TRACE");
    return !variable.isEmpty() && variable != "0";
}

void ProtocolTrace::sent(QByteArrayView line)
{
    write("-->", line);
}

void ProtocolTrace::received(QByteArrayView line)
{
    write("<--", line);
}
