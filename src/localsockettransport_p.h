#pragma once

#include <QRustBridge/qrusttransport.h>

#include <QtNetwork/QLocalSocket>

// Connects to a backend daemon on a Unix domain socket (a named pipe on
// Windows). On Unix the peer must run as our own user (SO_PEERCRED).
class LocalSocketTransport : public QRustTransport
{
    Q_OBJECT
public:
    explicit LocalSocketTransport(const QString &socketPath, QObject *parent = nullptr);
    ~LocalSocketTransport() override;

    void open() override;
    void close() override;
    bool write(const QByteArray &data) override;
    qint64 bytesToWrite() const override;

    // Empty if `path` can be connected to as far as its length goes.
    static QString pathProblem(const QString &path);

private:
    void onConnected();
    void onErrorOccurred(QLocalSocket::LocalSocketError error);
    void onDisconnected();
    void fail(const QString &message);

    QString m_path;
    QLocalSocket *m_socket = nullptr;
    bool m_opened = false;
    bool m_finished = false;
};
