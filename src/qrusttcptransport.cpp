#include <QRustBridge/qrusttcptransport.h>

#include "logging_p.h"
#include "socketclosed_p.h"

#include <QRustBridge/qrustbridge.h>

#include <QtCore/QFile>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpSocket>

class QRustTcpTransportPrivate
{
public:
    void fail(const QString &message);
    void read();
    // Loads CA, client certificate and key into `socket`; returns why not, or empty.
    QString configureTls(QSslSocket *socket) const;
    QString where() const { return host + QLatin1Char(':') + QString::number(port); }

    QRustTcpTransport *q = nullptr;
    QString host;
    quint16 port = 0;
    QRustTcpOptions options;
    QTcpSocket *socket = nullptr;
    QString tlsProblem;
    bool opened = false;
    bool finished = false;
    bool readingPaused = false;
};

QRustTcpTransport::QRustTcpTransport(const QString &host, quint16 port, const QRustTcpOptions &options,
                                     QObject *parent)
    : QRustTransport(parent)
    , d(std::make_unique<QRustTcpTransportPrivate>())
{
    d->q = this;
    d->host = host;
    d->port = port;
    d->options = options;
}

QRustTcpTransport::~QRustTcpTransport() = default;

QString QRustTcpTransportPrivate::configureTls(QSslSocket *tls) const
{
    if (!QSslSocket::supportsSsl())
        return QRustBridge::tr("TLS was requested but no TLS backend is available");
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (!options.caCertificateFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(options.caCertificateFile);
        if (cas.isEmpty())
            return QRustBridge::tr("no CA certificate could be read from %1").arg(options.caCertificateFile);
        config.setCaCertificates(cas);
    }
    if (!options.clientCertificateFile.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(options.clientCertificateFile);
        QFile keyFile(options.clientKeyFile);
        if (certs.isEmpty())
            return QRustBridge::tr("no client certificate could be read from %1").arg(options.clientCertificateFile);
        if (!keyFile.open(QIODevice::ReadOnly))
            return QRustBridge::tr("cannot read the client key %1").arg(options.clientKeyFile);
        // Read once: QSslKey(QIODevice *) consumes the file, so a second
        // attempt with another algorithm must parse the same bytes.
        const QByteArray pem = keyFile.readAll();
        const QSslKey rsaKey(pem, QSsl::Rsa);
        const QSslKey anyKey = rsaKey.isNull() ? QSslKey(pem, QSsl::Ec) : rsaKey;
        if (anyKey.isNull())
            return QRustBridge::tr("the client key %1 is not a PEM RSA or EC key").arg(options.clientKeyFile);
        config.setLocalCertificate(certs.first());
        config.setPrivateKey(anyKey);
    }
    config.setPeerVerifyMode(options.verifyPeer ? QSslSocket::VerifyPeer : QSslSocket::VerifyNone);
    tls->setSslConfiguration(config);
    return QString();
}

void QRustTcpTransport::open()
{
    QSslSocket *tls = nullptr;
    if (d->options.useTls) {
        tls = new QSslSocket(this);
        d->socket = tls;
        const QString problem = d->configureTls(tls);
        if (!problem.isEmpty()) {
            d->fail(problem);
            return;
        }
        if (!d->options.peerVerifyName.isEmpty())
            tls->setPeerVerifyName(d->options.peerVerifyName);
        connect(tls, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            QStringList texts;
            for (const QSslError &error : errors)
                texts << error.errorString();
            d->tlsProblem = texts.join(QStringLiteral("; "));
        });
        connect(tls, &QSslSocket::encrypted, this, [this] {
            d->opened = true;
            Q_EMIT opened();
        });
    } else {
        d->socket = new QTcpSocket(this);
        connect(d->socket, &QTcpSocket::connected, this, [this] {
            d->opened = true;
            Q_EMIT opened();
        });
    }
    QTcpSocket *socket = d->socket;
    socket->setReadBufferSize(socketReadBufferSize);  // for TLS: the decrypted bytes
    connect(socket, &QAbstractSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError error) {
        if (!d->opened) {
            const QString reason = d->tlsProblem.isEmpty()
                ? socket->errorString()
                : QRustBridge::tr("TLS verification failed: %1").arg(d->tlsProblem);
            d->fail(QRustBridge::tr("cannot connect to %1: %2").arg(d->where(), reason));
            socket->abort();
        } else if (error != QAbstractSocket::RemoteHostClosedError) {
            qCDebug(lcQRustBridge) << "tcp error" << error << socket->errorString();
        }
    });
    connect(socket, &QAbstractSocket::disconnected, this, [this, socket] {
        if (!d->opened || d->finished)
            return;
        d->finished = true;
        reportSocketClosed(this, socket, d->where());
    });
    connect(socket, &QIODevice::bytesWritten, this, &QRustTransport::bytesWritten);
    if (tls)  // the high-water mark counts encrypted bytes too
        connect(tls, &QSslSocket::encryptedBytesWritten, this, &QRustTransport::bytesWritten);
    connect(socket, &QIODevice::readyRead, this, [this] { d->read(); });
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (tls)
        tls->connectToHostEncrypted(d->host, d->port);
    else
        socket->connectToHost(d->host, d->port);
}

void QRustTcpTransport::close()
{
    if (d->socket && d->socket->state() != QAbstractSocket::UnconnectedState)
        d->socket->disconnectFromHost();
}

bool QRustTcpTransport::write(const QByteArray &data)
{
    if (!d->opened || !d->socket || d->socket->state() != QAbstractSocket::ConnectedState)
        return false;
    return d->socket->write(data) == data.size();
}

qint64 QRustTcpTransport::bytesToWrite() const
{
    if (!d->socket)
        return 0;
    if (auto *tls = qobject_cast<QSslSocket *>(d->socket))
        return tls->encryptedBytesToWrite() + tls->bytesToWrite();
    return d->socket->bytesToWrite();
}

void QRustTcpTransport::setReadingPaused(bool paused)
{
    // Qt stops reading the socket once its bounded buffer is full, so the
    // kernel's buffers fill and the server waits.
    d->readingPaused = paused;
    // What Qt buffered while paused gets no new readyRead().
    if (!paused && d->socket)
        QMetaObject::invokeMethod(this, [this] { d->read(); }, Qt::QueuedConnection);
}

void QRustTcpTransportPrivate::read()
{
    if (!readingPaused && socket)
        deliverSocketData(q, socket);
}

void QRustTcpTransportPrivate::fail(const QString &message)
{
    if (finished)
        return;
    finished = true;
    Q_EMIT q->openFailed(QRustBridgeError(QRustBridgeError::Code::StartFailed, message));
}
