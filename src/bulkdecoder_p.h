#pragma once

#include "messages_p.h"

#include <QtCore/QByteArrayList>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

class BridgeLog;
class IoChannel;
class ThreadWaker;

// Decodes, on a thread of its own, what an IoWorker running on the bridge's
// thread must not: long lines and bursts of many lines. That keeps the
// bridge's thread free of big parsing while small replies skip a thread
// hand-off.
//
// Order: everything pushed here reaches IoChannel in push order, and the
// worker routes everything (its own reports too) through here while
// isIdle() is false, so nothing overtakes. isIdle() turns true only after
// the last results are in the channel.
class BulkDecoder
{
public:
    // `bridgeWaker` is posted when the channel wants the bridge woken,
    // `workerWaker` each time a batch is done (the worker may resume reading).
    BulkDecoder(IoChannel *channel, ThreadWaker *bridgeWaker, ThreadWaker *workerWaker, BridgeLog *log);
    // Joins the thread; what is queued is dropped.
    ~BulkDecoder();
    BulkDecoder(const BulkDecoder &) = delete;
    BulkDecoder &operator=(const BulkDecoder &) = delete;

    void pushLines(QByteArrayList &&lines, quint64 generation);
    void pushMessage(InboundMessage &&message);
    // Nothing queued and nothing being decoded: results are all in the channel.
    bool isIdle() const;
    // Line bytes waiting (not yet taken by the thread).
    qint64 queuedBytes() const;

private:
    struct Item
    {
        QByteArray line;          // decoded when `isLine`
        InboundMessage message;   // passed through otherwise
        bool isLine = false;
        quint64 generation = 0;
    };
    void run();
    void process(std::vector<Item> &items);
    void push(Item &&item, qint64 bytes);

    IoChannel *const m_channel;
    ThreadWaker *const m_bridgeWaker;
    ThreadWaker *const m_workerWaker;
    BridgeLog *const m_log;

    mutable std::mutex m_mutex;  // std::mutex: ThreadSanitizer sees the hand-off
    std::condition_variable m_wake;
    std::vector<Item> m_queue;
    qint64 m_queuedBytes = 0;
    bool m_working = false;
    bool m_stopping = false;
    std::thread m_thread;  // last: starts once everything above exists
};
