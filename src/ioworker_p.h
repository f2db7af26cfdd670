#pragma once

#include "iochannel_p.h"

#include <QRustBridge/qrustlinescanner.h>

#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <functional>

class QRustTransport;

// Lives on the bridge's I/O thread: owns the transport, splits what it
// reads into lines, decodes them, and serializes and writes requests.
// Talks to the bridge only through IoChannel plus one wake-up callback.
class IoWorker : public QObject
{
    Q_OBJECT
public:
    // `wakeBridge` is called (on this thread) when the inbound queue went
    // from idle to having work; it must post a call to the bridge's thread.
    IoWorker(IoChannel *channel, qint64 maxPayloadSize, std::function<void()> wakeBridge);
    ~IoWorker() override;

    // Takes ownership of `transport` (already moved to this thread) and opens it.
    void openTransport(QRustTransport *transport, quint64 generation);
    // Graceful stop of the current transport (kill()).
    void closeTransport();
    // Bridge destruction: stop everything before returning.
    void shutdown();
    // Serializes and writes queued requests until the high-water mark.
    void writePending();

    // How long a destroyed bridge lets its backend react to SIGTERM before
    // SIGKILL; the bridge's thread waits this long at most.
    static constexpr int destructionGraceMs = 250;

    // Above this many unwritten bytes, requests wait in IoChannel.
    static constexpr qint64 writeHighWaterMark = 4 * 1024 * 1024;

private:
    void onData(const QByteArray &data);
    void report(InboundMessage &&message);
    void flushReports();
    void flushWriteBuffer();
    void dropTransport();

    IoChannel *m_channel;
    std::function<void()> m_wakeBridge;
    QRustLineScanner m_scanner;
    QPointer<QRustTransport> m_transport;
    quint64 m_generation = 0;
    std::vector<InboundMessage> m_reports;
    std::vector<OutboundRequest> m_batch;
    QByteArray m_writeBuffer;
    QByteArrayList m_lines;
};
