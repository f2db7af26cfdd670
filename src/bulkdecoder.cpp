#include "bulkdecoder_p.h"

#include "bridgelog_p.h"
#include "iochannel_p.h"
#include "ioworker_p.h"
#include "threadwaker_p.h"

BulkDecoder::BulkDecoder(IoChannel *channel, ThreadWaker *bridgeWaker, ThreadWaker *workerWaker, BridgeLog *log)
    : m_channel(channel)
    , m_bridgeWaker(bridgeWaker)
    , m_workerWaker(workerWaker)
    , m_log(log)
    , m_thread([this] { run(); })
{
}

BulkDecoder::~BulkDecoder()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void BulkDecoder::pushLines(QByteArrayList &&lines, quint64 generation)
{
    for (QByteArray &line : lines) {
        Item item;
        const qint64 bytes = line.size();
        item.line = std::move(line);
        item.isLine = true;
        item.generation = generation;
        push(std::move(item), bytes);
    }
}

void BulkDecoder::pushMessage(InboundMessage &&message)
{
    Item item;
    item.message = std::move(message);
    push(std::move(item), 0);
}

void BulkDecoder::push(Item &&item, qint64 bytes)
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

bool BulkDecoder::isIdle() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_queue.empty() && !m_working;
}

qint64 BulkDecoder::queuedBytes() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_queuedBytes;
}

void BulkDecoder::run()
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
            idle = m_queue.empty();
            if (idle)
                m_working = false;
        }
        if (idle)
            m_workerWaker->post();
    }
}

void BulkDecoder::process(std::vector<Item> &items)
{
    std::vector<InboundMessage> messages;
    messages.reserve(items.size());
    qint64 lineBytes = 0;
    for (Item &item : items) {
        if (!item.isLine) {
            messages.push_back(std::move(item.message));
            continue;
        }
        lineBytes += item.line.size();
        InboundMessage message;
        if (IoWorker::decodeLine(item.line, message, *m_log)) {
            message.generation = item.generation;
            messages.push_back(std::move(message));
        }
        item.line = QByteArray();  // free a long line before the next is decoded
    }
    if (messages.empty())
        return;
    if (m_channel->pushInbound(messages, lineBytes).wakeBridge)
        m_bridgeWaker->post();
}
