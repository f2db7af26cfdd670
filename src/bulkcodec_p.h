#pragma once

#include "jsonwriter_p.h"
#include "messages_p.h"

#include <QRustBridge/qrustlinescanner.h>

#include <QtCore/QByteArrayList>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

class BridgeLog;
class IoChannel;
class ThreadWaker;

// Decodes and encodes, on a thread of its own, what an IoWorker running on
// the bridge's thread must not: long lines, bursts of many lines, and big
// requests. That keeps the bridge's thread free of big parsing while small
// messages skip a thread hand-off.
//
// Order: everything pushed here reaches IoChannel in push order, and the
// worker routes everything (its own reports too) through here while
// isIdle() is false, so nothing overtakes. isIdle() turns true only after
// the last results are in the channel.
class BulkCodec
{
public:
    // `bridgeWaker` is posted when the channel wants the bridge woken,
    // `workerWaker` each time a batch is done (the worker may resume reading).
    // `maxPayloadSize` and `trace` as the worker's (QRustBridgeOptions).
    BulkCodec(IoChannel *channel, ThreadWaker *bridgeWaker, ThreadWaker *workerWaker, BridgeLog *log,
              qint64 maxPayloadSize, bool trace);
    // Joins the thread; what is queued is dropped.
    ~BulkCodec();
    BulkCodec(const BulkCodec &) = delete;
    BulkCodec &operator=(const BulkCodec &) = delete;

    // Bytes read from the transport; `partialLine` is what the worker's
    // scanner held (QRustLineScanner::takePartialLine()). Lines are split and
    // decoded here; an incomplete one stays here, and isIdle() is false until
    // it completes, so the worker keeps handing over what follows.
    void pushBytes(QByteArray &&partialLine, const QByteArray &data, quint64 generation);
    void pushMessage(InboundMessage &&message);

    // A request serialized here; the worker collects it with takeEncoded()
    // after the worker waker fires, and writes it (requests after it wait).
    struct EncodedRequest
    {
        quint64 id = 0;
        QString method;
        QByteArray line;  // with its newline
        quint64 generation = 0;
    };
    void pushEncode(OutboundRequest &&request, quint64 generation);
    bool takeEncoded(EncodedRequest &out);
    // Nothing queued, nothing being decoded, no incomplete line held: results
    // are all in the channel.
    bool isIdle() const;
    // Bytes waiting (not yet taken by the thread).
    qint64 queuedBytes() const;

private:
    struct Item
    {
        enum class Kind { Bytes, Message, Encode };
        Kind kind = Kind::Message;
        QByteArray partialLine;   // Bytes: continued by `data`
        QByteArray data;          // Bytes: one read, split and decoded
        InboundMessage message;   // Message: passed through
        OutboundRequest request;  // Encode: serialized
        quint64 generation = 0;
    };
    void run();
    void process(std::vector<Item> &items);
    void split(Item &item, QByteArrayList &lines);
    void push(Item &&item, qint64 bytes);

    IoChannel *const m_channel;
    ThreadWaker *const m_bridgeWaker;
    ThreadWaker *const m_workerWaker;
    BridgeLog *const m_log;
    JsonWriter m_jsonWriter;       // the thread's own
    QRustLineScanner m_scanner;    // the thread's own
    quint64 m_scannerGeneration = 0;
    const bool m_trace;

    mutable std::mutex m_mutex;  // std::mutex: ThreadSanitizer sees the hand-off
    std::condition_variable m_wake;
    std::vector<Item> m_queue;
    std::vector<EncodedRequest> m_encoded;
    qint64 m_queuedBytes = 0;
    bool m_working = false;
    bool m_holdsPartialLine = false;
    bool m_stopping = false;
    std::thread m_thread;  // last: starts once everything above exists
};
