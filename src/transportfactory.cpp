#include "transportfactory_p.h"

#include <QRustBridge/qrustbinarylocator.h>
#include <QRustBridge/qrustbridge.h>
#include <QRustBridge/qrustlocalsockettransport.h>
#include <QRustBridge/qruststdiotransport.h>
#include <QRustBridge/qrusttcpoptions.h>
#include <QRustBridge/qrusttcptransport.h>

#include "bridgelog_p.h"

#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>

namespace {

QRustTransport *createProcess(const QRustBridgeOptions &options, QRustBinaryLocator &locator, BridgeLog &log,
                              QRustBridgeError &error)
{
    const QString program = locator.locate(options);
    if (program.isEmpty() && !options.binaryPath.isEmpty()) {
        const QString path = QRustBinaryLocator::candidates(options).value(0);
        error = QRustBridgeError(
            QRustBridgeError::Code::BinaryNotFound,
            QFileInfo::exists(path)
                ? QRustBridge::tr("backend \"%1\" (binaryPath) is not an executable file").arg(path)
                : QRustBridge::tr("backend \"%1\" (binaryPath) does not exist").arg(path));
        return nullptr;
    }
    if (program.isEmpty()) {
        error = QRustBridgeError(
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

} // namespace

TransportFactory TransportFactory::process(const QRustBridgeOptions &options, QRustBinaryLocator &locator,
                                           BridgeLog &log)
{
    TransportFactory factory;
    factory.create = [&options, &locator, &log](QRustBridgeError &error) {
        return createProcess(options, locator, log, error);
    };
    factory.isProcess = true;
    return factory;
}

TransportFactory TransportFactory::localSocket(const QString &path, const QRustSocketOptions &socketOptions)
{
    TransportFactory factory;
    factory.create = [path, trusted = socketOptions.trustedServerUids](QRustBridgeError &) -> QRustTransport * {
        auto *transport = new QRustLocalSocketTransport(path);
        transport->setTrustedServerUids(trusted);
        return transport;
    };
    if (socketOptions.autoReconnect)
        factory.reconnectPolicy = socketOptions;
    return factory;
}

TransportFactory TransportFactory::tcp(const QString &host, quint16 port, const QRustTcpOptions &tcpOptions)
{
    TransportFactory factory;
    factory.create = [host, port, tcpOptions](QRustBridgeError &) -> QRustTransport * {
        return new QRustTcpTransport(host, port, tcpOptions);
    };
    factory.needsOwnThread = tcpOptions.useTls;
    if (tcpOptions.autoReconnect)
        factory.reconnectPolicy = tcpOptions;
    return factory;
}

TransportFactory TransportFactory::custom()
{
    TransportFactory factory;
    factory.needsOwnThread = true;
    return factory;
}
