#pragma once

#include "iochannel_p.h"
#include "jsonwriter_p.h"
#include "requestsizeprobe_p.h"
#include "threadwaker_p.h"

#include <QRustBridge/qrustlinescanner.h>

#include <QtCore/QObject>
#include <QtCore/QPointer>

#include <memory>

class BridgeLog;
class BulkCodec;
class QRustTransport;
struct QRustBridgeOptions;

// Owns the transport, splits what it reads into lines, decodes them, and
// serializes and writes requests. Talks to the bridge only through
// IoChannel plus data-free wake-ups (posted even when both live on one
// thread, so the bridge's code never runs inside the worker's).
//
// Where it runs (docs/architecture.md):
// - OwnThread: on the bridge's I/O thread, destroyed there; no member is
//   ever touched by two threads. For TLS (decryption) and custom transports.
// - BridgeThread: on the bridge's thread, so a small reply costs one
//   wake-up instead of two; long lines, bursts and big requests are
//   handled by a BulkCodec thread, so the bridge's thread still never
//   parses or serializes much.
class IoWorker : public QObject
{
    Q_OBJECT
public:
    enum class Placement { OwnThread, BridgeThread };

    // `bridgeWaker` lives on the bridge's thread; it is posted when the
    // inbound queue went from idle to having work.
    // Reads maxPayloadSize, inboundHighWaterMark and traceMessages from `options`.
    // `log` (thread-safe) is the bridge's: what the worker has to say goes there.
    IoWorker(Placement placement, IoChannel *channel, const QRustBridgeOptions &options, ThreadWaker *bridgeWaker,
             BridgeLog *log);
    ~IoWorker() override;

    Placement placement() const { return m_placement; }

    // BridgeThread placement, bridge destruction: what the Shutdown command
    // does on the I/O thread, done here and now. Returns true if the caller
    // may delete the worker now; false if it deletes itself later (the
    // bridge was destroyed from inside the worker's own delivery).
    [[nodiscard]] bool shutdownInPlace();

    // BridgeThread placement: sendCommand() writes through this, at once.
    // Replies it may run into are posted, never delivered inside the call.
    void writeFromBridge();

    // One line from the backend: false (and a warning in `log`) if it is not a message.
    static bool decodeLine(const QByteArray &line, InboundMessage &message, BridgeLog &log);
    static void warnDroppedLine(BridgeLog &log, qint64 maxPayloadSize);

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

    // BridgeThread placement: a read this big, or one that begins or
    // continues a line this long, is split and decoded by the BulkCodec. A
    // full pipe (64 KiB) of small lines is decoded here: about a millisecond,
    // and a thread hand-off per read would cost more than it saves.
    static constexpr qsizetype bulkLineBytes = 64 * 1024;
    static constexpr qint64 bulkReadBytes = 256 * 1024;
    // Reading pauses while more than this waits for the BulkCodec.
    static constexpr qint64 bulkQueueLimit = 1024 * 1024;
    // BridgeThread placement: params that may serialize to more than this
    // are serialized by the BulkCodec.
    static constexpr qint64 bulkRequestBytes = 64 * 1024;

private:
    // Runs what IoChannel holds: commands first, then writes.
    void processChannel();
    // Takes ownership of `transport` (already moved to this thread) and opens it.
    void openTransport(QRustTransport *transport, quint64 generation);
    void closeTransport();
    // Bridge destruction: stops the transport, tells the bridge's thread it
    // may go on, then deletes this worker and ends the thread.
    void shutdown();
    // Stops the transport and the BulkCodec; the channel is not touched after.
    // `keepObjects`: the transport is on the stack; leave its deletion to ours.
    void stopEverything(bool keepObjects);
    // BridgeThread placement: runs the bridge's delivery for what
    // flushReports() queued during an entry, now that the entry ends.
    void deliverDue();

    // Marks a callback into the worker (from the transport or the event
    // loop). Reports made inside go to the bridge when the outermost one
    // ends, with no posted wake-up in between: one wake-up per reply in all.
    class EntryScope
    {
    public:
        explicit EntryScope(IoWorker *worker);
        ~EntryScope();
        EntryScope(const EntryScope &) = delete;
        EntryScope &operator=(const EntryScope &) = delete;

    private:
        IoWorker *const m_worker;
    };
    // Hands a read to the BulkCodec, with the partial line it continues.
    void handOver(const QByteArray &data);
    bool makesLongLine(const QByteArray &data) const;
    // Whether new reports must go through the BulkCodec to keep their order.
    bool bulkBusy() const;
    void checkBulkProgress();
    void applyReadingPause();
    void onData(const QByteArray &data);
    void report(InboundMessage &&message);
    // `lineBytes`: the size of the lines the reports came from (flow control).
    void flushReports(qint64 lineBytes = 0);
    void resumeReading();
    void flushWriteBuffer();
    void writeRequest(OutboundRequest &request);
    // Reports PayloadTooLarge and returns false if a request line is over maxPayloadSize.
    bool checkRequestSize(qsizetype lineBytes, quint64 id, const QString &method);
    // Writes what the BulkCodec serialized; the requests behind it may go on.
    void writeEncodedRequests();
    BulkCodec &bulkCodec();
    void dropTransport();

    const Placement m_placement;
    IoChannel *m_channel;  // null once shut down
    ThreadWaker *m_bridgeWaker;
    BridgeLog *m_log;
    ThreadWaker m_waker;
    QRustLineScanner m_scanner;
    QPointer<QRustTransport> m_transport;
    quint64 m_generation = 0;
    bool m_pausedForQueue = false;  // the bridge's thread is behind
    bool m_pausedForBulk = false;   // the BulkCodec is behind
    bool m_readingPaused = false;   // what the current transport was last told
    bool m_bridgeDue = false;       // reports pushed during this entry, bridge not told yet
    int m_entryDepth = 0;           // EntryScopes on the stack
    int m_bridgeCalls = 0;          // writeFromBridge() on the stack
    int m_delivering = 0;           // the bridge's delivery on the stack
    const bool m_trace;            // ProtocolTrace, fixed for the worker's life
    std::vector<InboundMessage> m_reports;
    std::vector<OutboundRequest> m_batch;
    std::size_t m_nextInBatch = 0;  // requests before it are written (or being serialized elsewhere)
    bool m_encodingElsewhere = false;
    RequestSizeProbe m_sizeProbe;
    QByteArray m_writeBuffer;
    JsonWriter m_jsonWriter;  // keeps its string sink between requests
    QByteArrayList m_lines;
    std::unique_ptr<BulkCodec> m_bulk;  // BridgeThread placement, made on first need; last: posts m_waker
};
