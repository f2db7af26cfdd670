// Proves the bridge runs on any QRustTransport: an in-memory one with no
// process at all, TCP against the demo backend's --tcp mode, and TLS against
// a local QSslServer with a CA made at test time (refused with a wrong CA,
// accepted with verifyPeer off), and mutual TLS with RSA and EC client keys.
#include "../../shared/testsupport.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslServer>
#include <QtNetwork/QSslSocket>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

// Answers echo requests in memory; everything else fails.
class MemoryTransport : public QRustTransport
{
public:
    void open() override
    {
        QMetaObject::invokeMethod(this, [this] {
            Q_EMIT opened();
            Q_EMIT dataReceived("{\"event\":\"ready\",\"data\":null}\n");
        }, Qt::QueuedConnection);
    }
    void close() override
    {
        QMetaObject::invokeMethod(this, [this] {
            Q_EMIT closed(QRustBridgeError(QRustBridgeError::Code::Disconnected, QStringLiteral("closed")));
        }, Qt::QueuedConnection);
    }
    bool write(const QByteArray &data) override
    {
        QByteArray reply;
        for (const QByteArray &line : m_scanner.push(data)) {
            const QJsonObject request = QJsonDocument::fromJson(line).object();
            const QJsonObject response{{QStringLiteral("id"), request.value(QStringLiteral("id"))},
                                       {QStringLiteral("success"), true},
                                       {QStringLiteral("result"), request.value(QStringLiteral("params"))}};
            reply += QJsonDocument(response).toJson(QJsonDocument::Compact) + '\n';
        }
        // Delivered later, like real I/O, in two pieces to exercise the framing.
        QMetaObject::invokeMethod(this, [this, reply] {
            Q_EMIT dataReceived(reply.left(reply.size() / 2));
            Q_EMIT dataReceived(reply.mid(reply.size() / 2));
        }, Qt::QueuedConnection);
        return true;
    }
    qint64 bytesToWrite() const override { return 0; }

private:
    QRustLineScanner m_scanner;
};

bool runOpenssl(const QStringList &args, const QString &dir)
{
    QProcess openssl;
    openssl.setWorkingDirectory(dir);
    openssl.start(QStringLiteral("openssl"), args);
    return openssl.waitForFinished(30000) && openssl.exitCode() == 0;
}

// Makes ca.pem/ca.key and a localhost server certificate signed by it in `dir`.
bool makeCertificates(const QString &dir, const QString &prefix)
{
    const QString ca = prefix + QStringLiteral("ca");
    return runOpenssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                       QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=QRustBridge test CA ") + prefix, QStringLiteral("-keyout"), ca + QStringLiteral(".key"),
                       QStringLiteral("-out"), ca + QStringLiteral(".pem")}, dir)
        && runOpenssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"),
                       prefix + QStringLiteral("server.key"), QStringLiteral("-out"), prefix + QStringLiteral("server.csr")}, dir)
        && runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), prefix + QStringLiteral("server.csr"),
                       QStringLiteral("-CA"), ca + QStringLiteral(".pem"), QStringLiteral("-CAkey"), ca + QStringLiteral(".key"),
                       QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("2"),
                       QStringLiteral("-extfile"), QStringLiteral("san.cnf"), QStringLiteral("-out"),
                       prefix + QStringLiteral("server.pem")}, dir);
}

// A client certificate signed by the "good-" CA, with a key of `keyType`
// (rsa or ec): client-<keyType>.pem and client-<keyType>.key.
bool makeClientCertificate(const QString &dir, const QString &keyType)
{
    const QString name = QStringLiteral("client-") + keyType;
    const QStringList newKey = keyType == QLatin1String("ec")
        ? QStringList{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                      QStringLiteral("ec_paramgen_curve:prime256v1")}
        : QStringList{QStringLiteral("-newkey"), QStringLiteral("rsa:2048")};
    return runOpenssl(QStringList{QStringLiteral("req")} + newKey
                          + QStringList{QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=client"),
                                        QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
                                        name + QStringLiteral(".csr")},
                      dir)
        && runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), name + QStringLiteral(".csr"),
                       QStringLiteral("-CA"), QStringLiteral("good-ca.pem"), QStringLiteral("-CAkey"),
                       QStringLiteral("good-ca.key"), QStringLiteral("-CAcreateserial"), QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-out"), name + QStringLiteral(".pem")},
                      dir);
}

} // namespace

class tst_Transports : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void inMemoryTransportNeedsNoProcess();
    void tcpAgainstDemoBackend();
    void tcpRefusedPortFailsFast();
    void tlsVerifiesTheServer_data();
    void tlsVerifiesTheServer();
    void tlsWithoutVerificationAcceptsAnyServer();
    void mutualTlsSendsTheClientCertificate_data();
    void mutualTlsSendsTheClientCertificate();

private:
    bool startTlsServer(QSslServer &server, const QString &dir, bool requireClientCertificate = false);
};

void tst_Transports::inMemoryTransportNeedsNoProcess()
{
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectTransport(new MemoryTransport);
    QRB_WAIT(connected, 5000);
    QVERIFY(connected.result());
    QList<QFuture<QJsonValue>> replies;
    for (int i = 0; i < 100; ++i)
        replies << bridge.sendCommand(QStringLiteral("echo"), i);
    for (int i = 0; i < 100; ++i) {
        QRB_WAIT(replies[i], 5000);
        QCOMPARE(replies[i].result().toInt(), i);
    }
    QCOMPARE(bridge.processId(), 0);
    bridge.kill();
    QTRY_COMPARE(bridge.state(), QRustBridge::State::NotRunning);
}

void tst_Transports::tcpAgainstDemoBackend()
{
    QVERIFY(demoBackendExists());
    QProcess daemon;
    daemon.start(QStringLiteral(DEMO_BACKEND_PATH), {QStringLiteral("--tcp"), QStringLiteral("127.0.0.1:0")});
    QVERIFY(daemon.waitForStarted());
    QByteArray stderrText;
    const QRegularExpression listening(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((stderrText += daemon.readAllStandardError(),
                              match = listening.match(QString::fromUtf8(stderrText)), match.hasMatch()), 10000);
    const quint16 port = quint16(match.captured(1).toUInt());

    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToHost(QStringLiteral("127.0.0.1"), port);
    QRB_WAIT(connected, 5000);
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("add"), QJsonObject{{QStringLiteral("a"), 2}, {QStringLiteral("b"), 3}});
    QRB_WAIT(reply, 5000);
    QCOMPARE(reply.result().toInt(), 5);

    QSignalSpy disconnected(&bridge, &QRustBridge::disconnected);
    daemon.kill();
    daemon.waitForFinished();
    QVERIFY(disconnected.wait(5000));
    QCOMPARE(bridge.lastError().code(), Code::Disconnected);
}

void tst_Transports::tcpRefusedPortFailsFast()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();  // nobody listens there now
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToHost(QStringLiteral("127.0.0.1"), port);
    QRB_WAIT(connected, 5000);
    QVERIFY(!connected.result());
    QCOMPARE(bridge.lastError().code(), Code::StartFailed);
}

bool tst_Transports::startTlsServer(QSslServer &server, const QString &dir, bool requireClientCertificate)
{
    QFile san(dir + QStringLiteral("/san.cnf"));
    if (!san.open(QIODevice::WriteOnly))
        return false;
    san.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    san.close();
    if (!makeCertificates(dir, QStringLiteral("good-")) || !makeCertificates(dir, QStringLiteral("other-")))
        return false;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(QSslCertificate::fromPath(dir + QStringLiteral("/good-server.pem")).value(0));
    QFile key(dir + QStringLiteral("/good-server.key"));
    if (!key.open(QIODevice::ReadOnly))
        return false;
    config.setPrivateKey(QSslKey(&key, QSsl::Rsa));
    if (requireClientCertificate) {
        config.setCaCertificates(QSslCertificate::fromPath(dir + QStringLiteral("/good-ca.pem")));
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    } else {
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    server.setSslConfiguration(config);
    connect(&server, &QSslServer::pendingConnectionAvailable, &server, [&server] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            socket->write("{\"event\":\"ready\",\"data\":{}}\n");
            connect(socket, &QIODevice::readyRead, socket, [socket] {
                while (socket->canReadLine()) {
                    const QJsonObject request = QJsonDocument::fromJson(socket->readLine()).object();
                    const QJsonObject response{{QStringLiteral("id"), request.value(QStringLiteral("id"))},
                                               {QStringLiteral("success"), true},
                                               {QStringLiteral("result"), request.value(QStringLiteral("params"))}};
                    socket->write(QJsonDocument(response).toJson(QJsonDocument::Compact) + '\n');
                }
            });
        }
    });
    return server.listen(QHostAddress::LocalHost);
}

void tst_Transports::tlsVerifiesTheServer_data()
{
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("trusted CA") << QStringLiteral("good-ca.pem") << true;
    QTest::newRow("wrong CA") << QStringLiteral("other-ca.pem") << false;
}

void tst_Transports::tlsVerifiesTheServer()
{
    QFETCH(QString, caFile);
    QFETCH(bool, accepted);
    if (!QSslSocket::supportsSsl())
        QFAIL("no TLS backend");  // libssl is installed with Qt: never skip silently
    QTemporaryDir dir;
    QSslServer server;
    QVERIFY(startTlsServer(server, dir.path()));
    QRustTcpOptions options;
    options.useTls = true;
    options.caCertificateFile = dir.filePath(caFile);
    options.peerVerifyName = QStringLiteral("localhost");
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort(), options);
    QRB_WAIT(connected, 10000);
    const QString why = bridge.lastError().message();
    if (!accepted) {
        QVERIFY(!connected.result());
        QCOMPARE(bridge.lastError().code(), Code::StartFailed);
        QVERIFY2(why.contains(QStringLiteral("TLS verification failed")), qPrintable(why));
        return;
    }
    QVERIFY2(connected.result(), qPrintable(why));
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), QStringLiteral("over TLS"));
    QRB_WAIT(reply, 5000);
    QCOMPARE(reply.result().toString(), QStringLiteral("over TLS"));
}

void tst_Transports::tlsWithoutVerificationAcceptsAnyServer()
{
    if (!QSslSocket::supportsSsl())
        QFAIL("no TLS backend");
    QTemporaryDir dir;
    QSslServer server;
    QVERIFY(startTlsServer(server, dir.path()));
    QRustTcpOptions options;
    options.useTls = true;
    options.caCertificateFile = dir.filePath(QStringLiteral("other-ca.pem"));  // would be refused
    options.verifyPeer = false;
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort(), options);
    QRB_WAIT(connected, 10000);
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), QStringLiteral("unverified"));
    QRB_WAIT(reply, 5000);
    QCOMPARE(reply.result().toString(), QStringLiteral("unverified"));
}

void tst_Transports::mutualTlsSendsTheClientCertificate_data()
{
    QTest::addColumn<QString>("keyType");
    QTest::newRow("RSA client key") << QStringLiteral("rsa");
    QTest::newRow("EC client key") << QStringLiteral("ec");
    QTest::newRow("no client certificate") << QString();
}

void tst_Transports::mutualTlsSendsTheClientCertificate()
{
    QFETCH(QString, keyType);
    if (!QSslSocket::supportsSsl())
        QFAIL("no TLS backend");
    QTemporaryDir dir;
    QSslServer server;
    QVERIFY(startTlsServer(server, dir.path(), true));
    QRustTcpOptions options;
    options.useTls = true;
    options.caCertificateFile = dir.filePath(QStringLiteral("good-ca.pem"));
    options.peerVerifyName = QStringLiteral("localhost");
    if (!keyType.isEmpty()) {
        QVERIFY(makeClientCertificate(dir.path(), keyType));
        options.clientCertificateFile = dir.filePath(QStringLiteral("client-%1.pem").arg(keyType));
        options.clientKeyFile = dir.filePath(QStringLiteral("client-%1.key").arg(keyType));
    }
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort(), options);
    QRB_WAIT(connected, 10000);
    if (keyType.isEmpty()) {
        QVERIFY(!connected.result());  // the server requires a certificate
        return;
    }
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), keyType);
    QRB_WAIT(reply, 5000);
    QCOMPARE(reply.result().toString(), keyType);
}

QTEST_GUILESS_MAIN(tst_Transports)
#include "tst_transports.moc"
