#pragma once

#include <QtCore/QString>
#include <QtCore/QtGlobal>

class QIODevice;
class QRustTransport;

// What the local-socket and TCP transports share: the state of their one
// connection (opened, finished, reading paused) and how a failed attempt,
// arriving bytes and the connection's end become the transport's signals.
// Each transport's private class derives from it and creates the socket.
class SocketTransportBase
{
public:
    // What a socket transport lets Qt buffer (setReadBufferSize()). Bounded,
    // so one read hands on at most this much at once (a single read of a full
    // kernel buffer, several MiB of tiny lines, would overshoot the inbound
    // high-water mark by several times its size once parsed), and so Qt
    // stops reading from the kernel while the transport is paused.
    static constexpr qint64 readBufferSize = 256 * 1024;

    SocketTransportBase(QRustTransport *transport, const QString &where);

    // Forwards `socket`'s readyRead() and bytesWritten(); call once it exists
    // (the transport's child, its read buffer bounded to readBufferSize).
    void attach(QIODevice *socket);
    // Connected (and checked): emits opened().
    void markOpened();
    // Before opened(): reports openFailed() (StartFailed), once.
    void fail(const QString &message);
    // The socket reported `reason`: before opened() the attempt failed; after,
    // the disconnect that follows reports it (a peer's close is not worth a log).
    void socketError(const QString &reason, bool closedByPeer);
    // The socket disconnected: after opened(), hands on what it still holds
    // (paused or not) and reports closed() (Disconnected), once.
    void socketDisconnected();
    // QRustTransport::setReadingPaused(): no dataReceived() while paused.
    void setReadingPaused(bool paused);

    bool isOpened() const { return m_opened; }
    // Names the peer in messages: a socket path, or host:port.
    const QString &where() const { return m_where; }

private:
    void read();
    void deliver();

    QRustTransport *const m_transport;
    const QString m_where;
    QIODevice *m_socket = nullptr;
    bool m_opened = false;
    bool m_finished = false;
    bool m_readingPaused = false;
};
