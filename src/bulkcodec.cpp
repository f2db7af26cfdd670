#include "bulkcodec_p.h"

#include "bridgelog_p.h"
#include "iochannel_p.h"
#include "ioworker_p.h"
#include "messagecodec_p.h"
#include "protocoltrace_p.h"
#include "threadwaker_p.h"

BulkCodec::BulkCodec(IoChannel *channel, ThreadWaker *bridgeWaker, ThreadWaker *workerWaker, BridgeLog *log,
                     qint64 maxPayloadSize, bool trace)
    : m_channel(channel)
    , m_bridgeWaker(bridgeWaker)
    , m_workerWaker(workerWaker)
    , m_log(log)
    , m_scanner(maxPayloadSize)
    , m_trace(trace)
    , m_thread([this] { run(); })
{
}

BulkCodec::~BulkCodec()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void BulkCodec::pushBytes(QByteArray &&partialLine, const QByteArray &data, quint64 generation)
{
    Item item;
    item.kind = Item::Kind::Bytes;
    const qint64 bytes = partialLine.size() + data.size();
    item.partialLine = std::move(partialLine);
    item.data = data;
    item.generation = generation;
    push(std::move(item), bytes);
}

void BulkCodec::pushMessage(InboundMessage &&message)
{
    Item item;
    item.message = std::move(message);
    push(std::move(item), 0);
}

void BulkCodec::pushEncode(OutboundRequest &&request, quint64 generation)
{
    Item item;
    item.kind = Item::Kind::Encode;
    item.request = std::move(request);
    item.generation = generation;
    push(std::move(item), 0);
}

bool BulkCodec::takeEncoded(EncodedRequest &out)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_encoded.empty())
        return false;
    out = std::move(m_encoded.front());
    m_encoded.erase(m_encoded.begin());
    return true;
}

void BulkCodec::push(Item &&item, qint64 bytes)
{
    bool wasEmpty = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        wasEmpty = m_queue.empty();
        m_queue.push_back(std::move(item));
        m_queuedBytes += bytes;
    }
    if (wasEmpty)
        m_wake.notify_one();
}

bool BulkCodec::isIdle() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_queue.empty() && !m_working && !m_holdsPartialLine;
}

qint64 BulkCodec::queuedBytes() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_queuedBytes;
}

void BulkCodec::run()
{
    std::vector<Item> items;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_working = false;
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                return;
            items.swap(m_queue);
            m_queuedBytes = 0;
            m_working = true;
        }
        process(items);
        items.clear();
        // Whether or not more came meanwhile: the worker re-checks, and may
        // resume reading.
        bool idle = false;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_holdsPartialLine = m_scanner.bufferedBytes() > 0 || m_scanner.isDiscarding();
            idle = m_queue.empty();
            if (idle)
                m_working = false;
        }
        if (idle)
            m_workerWaker->post();
    }
}

void BulkCodec::split(Item &item, QByteArrayList &lines)
{
    if (item.generation != m_scannerGeneration) {
        m_scanner.clear();  // a partial line of a transport that is gone
        m_scannerGeneration = item.generation;
    }
    const quint64 droppedBefore = m_scanner.droppedLineCount();
    m_scanner.push(item.partialLine, lines);
    m_scanner.push(item.data, lines);
    item.partialLine = item.data = QByteArray();
    if (m_scanner.droppedLineCount() != droppedBefore)
        IoWorker::warnDroppedLine(*m_log, m_scanner.maxPayloadSize());
    if (m_trace) {
        for (const QByteArray &line : std::as_const(lines))
            ProtocolTrace::received(line);
    }
}

void BulkCodec::process(std::vector<Item> &items)
{
    std::vector<InboundMessage> messages;
    qint64 lineBytes = 0;
    bool encoded = false;
    for (Item &item : items) {
        if (item.kind == Item::Kind::Encode) {
            EncodedRequest request{item.request.id, item.request.method, QByteArray(), item.generation};
            MessageCodec::appendRequest(request.line, item.request, m_jsonWriter);
            item.request = OutboundRequest();  // the params may be big: gone before the next item
            std::lock_guard<std::mutex> lock(m_mutex);
            m_encoded.push_back(std::move(request));
            encoded = true;
            continue;
        }
        if (item.kind == Item::Kind::Message) {
            messages.push_back(std::move(item.message));
            continue;
        }
        QByteArrayList lines;
        split(item, lines);
        for (QByteArray &line : lines) {
            lineBytes += line.size();
            InboundMessage message;
            if (IoWorker::decodeLine(line, message, *m_log)) {
                message.generation = item.generation;
                messages.push_back(std::move(message));
            }
            line = QByteArray();  // free a long line before the next is decoded
        }
    }
    if (encoded)
        m_workerWaker->post();  // its write waits for this, even if lines remain
    if (messages.empty())
        return;
    if (m_channel->pushInbound(messages, lineBytes).wakeBridge)
        m_bridgeWaker->post();
}
