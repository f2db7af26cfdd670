#pragma once

#include "iochannel_p.h"
#include "jsonwriter_p.h"
#include "threadwaker_p.h"

#include <QRustBridge/qrustlinescanner.h>

#include <QtCore/QObject>
#include <QtCore/QPointer>

class BridgeLog;
class QRustTransport;
struct QRustBridgeOptions;

// Lives on the bridge's I/O thread: owns the transport, splits what it
// reads into lines, decodes them, and serializes and writes requests.
// Talks to the bridge only through IoChannel plus data-free wake-ups, and
// is destroyed on its own thread: no member is ever touched by two threads.
class IoWorker : public QObject
{
    Q_OBJECT
public:
    // `bridgeWaker` lives on the bridge's thread; it is posted (from this
    // thread) when the inbound queue went from idle to having work.
    // Reads maxPayloadSize, inboundHighWaterMark and traceMessages from `options`.
    // `log` (thread-safe) is the bridge's: what this thread has to say goes there.
    IoWorker(IoChannel *channel, const QRustBridgeOptions &options, ThreadWaker *bridgeWaker, BridgeLog *log);
    ~IoWorker() override;

    // Any thread: call after IoChannel::pushOutbound()/pushCommand() said so.
    void wake();

    // Serializes and writes queued requests until the high-water mark.
    void writePending();

    // How long a destroyed bridge lets its backend react to SIGTERM before
    // SIGKILL; the bridge's thread waits this long at most.
    static constexpr int destructionGraceMs = 250;

    // Above this many unwritten bytes, requests wait in IoChannel.
    static constexpr qint64 writeHighWaterMark = 4 * 1024 * 1024;

    // Above this many messages waiting for the bridge's thread, reading stops
    // too (besides QRustBridgeOptions::inboundHighWaterMark in bytes): a small
    // parsed message takes several times its line's size, about 150 bytes for
    // a short event, so this keeps a queue of tiny ones near 10 MiB.
    static constexpr std::size_t inboundCountLimit = 64 * 1024;

private:
    // Runs what IoChannel holds: commands first, then writes.
    void processChannel();
    // Takes ownership of `transport` (already moved to this thread) and opens it.
    void openTransport(QRustTransport *transport, quint64 generation);
    void closeTransport();
    // Bridge destruction: stops the transport, tells the bridge's thread it
    // may go on, then deletes this worker and ends the thread.
    void shutdown();
    void onData(const QByteArray &data);
    void report(InboundMessage &&message);
    // `lineBytes`: the size of the lines the reports came from (flow control).
    void flushReports(qint64 lineBytes = 0);
    void pauseReading();
    void resumeReading();
    void flushWriteBuffer();
    void dropTransport();

    IoChannel *m_channel;  // null once shut down
    ThreadWaker *m_bridgeWaker;
    BridgeLog *m_log;
    ThreadWaker m_waker;
    QRustLineScanner m_scanner;
    QPointer<QRustTransport> m_transport;
    quint64 m_generation = 0;
    bool m_readingPaused = false;  // the current transport was asked to stop reading
    const bool m_trace;            // ProtocolTrace, fixed for the worker's life
    std::vector<InboundMessage> m_reports;
    std::vector<OutboundRequest> m_batch;
    QByteArray m_writeBuffer;
    JsonWriter m_jsonWriter;  // keeps its string sink between requests
    QByteArrayList m_lines;
};
