// Fuzzes the inbound protocol path: MessageCodec::decode on arbitrary lines,
// each decoded reply routed by the bridge's own ReplyRouter (the class
// QRustBridgePrivate::handle() hands replies to) into its PendingTable of
// real QFutureInterface<QJsonValue> entries, interleaved with the bridge's
// other ways out, through the same router calls the bridge makes: timeouts,
// QFuture::cancel() by the user (noticed by the bridge's checks on its next
// event-loop turn or poll, so a response may come first), cancel by the
// bridge, kill() and connection loss. The model keeps its own idea of which
// late replies must be ignored and checks the router agrees.
// Proves:
//   - decode never crashes, accepts only JSON objects, explains every refusal,
//     and yields only the kinds the I/O thread may report for a line;
//   - every future finishes exactly once (a continuation counts it, and it
//     runs inside the call that finished it), with the outcome of the first
//     way out, or cancelled if the user cancelled it while it was pending;
//     later resolve/reject/cancel of a finished or unknown id is a no-op;
//     a reply is delivered, ignored (the request was ended by the bridge) or
//     reported unknown exactly as the model expects, and each ignored id is
//     forgotten after its one response;
//     after the final rejectAll() nothing is pending;
//   - the bridge's cancel checks find every user-cancelled pending request:
//     the event-loop check if the entry is watched, the poll always;
//   - a re-encoded request is one line, parses back, and encodes to the same
//     bytes again (the outbound framing can't be broken by any JSON value);
//   - inbound flow control (IoChannel, as IoWorker drives it, with tiny
//     limits): reading pauses exactly when the queue goes over a limit, no
//     line is read while paused, the bridge's take resumes it with exactly
//     one ResumeReading command, and every decoded message reaches the
//     bridge once, in order, paused or not.
//
// Input layout: [initial pending count] then '\n'-separated lines. A line
// "!a" adds a request, "!h" one with a reply handler instead of a QFuture, "!t<id>" times it out, "!c<id>" cancels it from the
// bridge side, "!u<id>" cancels its QFuture like a user and lets the bridge's
// event-loop check run, "!U<id>" cancels it without any check yet, "!p" runs
// the bridge's timer poll, "!x" loses the connection, "!k" is kill() (everything
// pending is rejected, late replies ignored), "!b" makes
// the bridge's thread busy (it takes nothing, so reading pauses once the
// queue is over its limit) until "!d" (it takes the queue, which resumes
// reading); any other line is a line from the backend. While not busy the
// bridge takes each message as it is queued.
#include "fuzzcommon.h"

#include "iochannel_p.h"
#include "messagecodec_p.h"
#include "pendingtable_p.h"
#include "replyrouter_p.h"

#include <QRustBridge/qruststream.h>

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSet>

#include <cstdint>
#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace {

using Code = QRustBridgeError::Code;

struct Tracked
{
    enum class Outcome { Pending, Resolved, Rejected, Cancelled };
    QString method;
    QFuture<QJsonValue> future;  // none for a request with a reply handler
    bool hasHandler = false;
    std::shared_ptr<int> completions = std::make_shared<int>(0);
    // What the reply handler received.
    std::shared_ptr<std::pair<QJsonValue, QRustBridgeError>> handlerReply =
        std::make_shared<std::pair<QJsonValue, QRustBridgeError>>();
    Outcome outcome = Outcome::Pending;
    QJsonValue result;
    Code code = Code::NoError;
    // Qt 6.4 flags even a finished future as canceled on QFuture::cancel();
    // that is Qt's state, not a second completion (the counter proves it).
    bool userCancelled = false;
    // Cancelled by the user while pending: whatever ends it, it ends cancelled.
    bool cancelledWhilePending = false;
};

class Model
{
public:
    explicit Model(int initialRequests)
    {
        for (int i = 0; i < initialRequests; ++i)
            add();
    }

    void add()
    {
        const quint64 id = m_nextId++;
        Tracked &tracked = m_tracked[id];
        tracked.method = QStringLiteral("m%1").arg(id);
        PendingTable::Entry &entry = m_table.add(id, tracked.method);
        tracked.future = entry.promise->future();
        // Runs synchronously when the promise finishes, whichever way.
        std::shared_ptr<int> completions = tracked.completions;
        tracked.future.then([completions](const QFuture<QJsonValue> &) { ++*completions; })
            .onCanceled([completions] { ++*completions; });
        FUZZ_CHECK(m_table.contains(id));
        FUZZ_CHECK(entry.watched || m_table.watchedCount() == PendingTable::maxWatchedEntries);
    }

    void addWithHandler()
    {
        const quint64 id = m_nextId++;
        Tracked &tracked = m_tracked[id];
        tracked.method = QStringLiteral("m%1").arg(id);
        tracked.hasHandler = true;
        m_table.addWithHandler(id, tracked.method, nullptr,
                               [completions = tracked.completions, reply = tracked.handlerReply](
                                   const QJsonValue &result, const QRustBridgeError &error) {
                                   ++*completions;
                                   *reply = {result, error};
                               });
        FUZZ_CHECK(m_table.contains(id));
        FUZZ_CHECK(!m_table.find(id)->watched);
    }

    void handle(const InboundMessage &message)
    {
        using Kind = InboundMessage::Kind;
        using Routed = ReplyRouter::Routed;
        const quint64 id = message.id;
        const bool wasPending = m_table.contains(id);
        Routed routed = Routed::Unknown;
        switch (message.kind) {
        case Kind::Response:
            if (!message.success)
                FUZZ_CHECK(message.value.isString());
            if (m_expectIgnored.remove(id)) {
                const int size = m_table.size();
                FUZZ_CHECK(!wasPending);
                FUZZ_CHECK(m_router.route(message) == Routed::Ignored);
                FUZZ_CHECK(!m_router.isIgnored(id));  // one response per request: forgotten now
                FUZZ_CHECK(m_table.size() == size);
                return;
            }
            if (message.success) {
                finish(id, Tracked::Outcome::Resolved, Code::NoError, message.value,
                       [&] { routed = m_router.route(message); });
            } else {
                finish(id, Tracked::Outcome::Rejected, Code::Remote, {}, [&] { routed = m_router.route(message); });
            }
            FUZZ_CHECK(routed == (wasPending ? Routed::Delivered : Routed::Unknown));
            return;
        case Kind::Chunk: {
            const int size = m_table.size();
            PendingTable::Entry *entry = m_table.find(id);
            FUZZ_CHECK(!entry || !entry->stream);  // no streams in this model
            routed = m_router.route(message);
            FUZZ_CHECK(routed == (m_expectIgnored.contains(id) ? Routed::Ignored : Routed::Unknown));
            FUZZ_CHECK(m_table.size() == size);
            return;
        }
        case Kind::RequestFailed:
            FUZZ_CHECK(message.error().code() == Code::ProtocolError);
            finish(id, Tracked::Outcome::Rejected, Code::ProtocolError, {}, [&] { routed = m_router.route(message); });
            FUZZ_CHECK(routed == (wasPending                     ? Routed::Delivered
                                  : m_expectIgnored.contains(id) ? Routed::Ignored
                                                                 : Routed::Unknown));
            return;
        case Kind::Event:
            FUZZ_CHECK(!message.text.isEmpty());
            return;
        default:
            FUZZ_CHECK(!"decode produced a kind that only the transport may report");
        }
    }

    void control(const QByteArray &line)
    {
        const quint64 id = line.mid(2).toULongLong();  // 0 (never an id) if not a number
        switch (line.at(1)) {
        case 'a':
            add();
            return;
        case 'h':
            addWithHandler();
            return;
        case 't':  // QRustBridgePrivate::timeOut, when the DeadlineQueue expires it
            if (m_table.contains(id))
                m_expectIgnored.insert(id);
            finish(id, Tracked::Outcome::Rejected, Code::Timeout, {},
                   [&] { m_router.abandon(id, error(Code::Timeout, id, QStringLiteral("timeout"))); });
            FUZZ_CHECK(m_router.isIgnored(id) == m_expectIgnored.contains(id));
            return;
        case 'c':  // QRustBridgePrivate::cancelRequest
            if (m_table.contains(id))
                m_expectIgnored.insert(id);
            finish(id, Tracked::Outcome::Cancelled, Code::NoError, {},
                   [&] { m_router.cancel(id, error(Code::Cancelled, id, QStringLiteral("cancelled"))); });
            FUZZ_CHECK(m_router.isIgnored(id) == m_expectIgnored.contains(id));
            return;
        case 'u':  // the user calls QFuture::cancel(); the bridge's thread is about to wait
        case 'U': {  // ... or the bridge has not looked yet
            const auto it = m_tracked.find(id);
            if (it == m_tracked.end() || it->second.hasHandler)
                return;
            PendingTable::Entry *entry = m_table.find(id);
            const bool watched = entry && entry->watched;
            it->second.userCancelled = true;
            it->second.cancelledWhilePending = it->second.cancelledWhilePending || entry;
            it->second.future.cancel();
            FUZZ_CHECK(*it->second.completions <= 1);
            if (line.at(1) == 'U')
                return;
            const std::vector<quint64> found = m_table.watchedCancellations();
            FUZZ_CHECK(watched == (std::find(found.begin(), found.end(), id) != found.end()));
            bridgeCancel(found);
            if (!watched)
                return;
            FUZZ_CHECK(!m_table.contains(id));
            FUZZ_CHECK(it->second.outcome == Tracked::Outcome::Cancelled);
            FUZZ_CHECK(*it->second.completions == 1);
            return;
        }
        case 'p':  // CancelDetector::poll
            bridgeCancel(m_table.polledCancellations());
            for (const auto &[trackedId, tracked] : m_tracked)
                FUZZ_CHECK(!tracked.userCancelled || !m_table.contains(trackedId));
            return;
        case 'x':  // QRustBridgePrivate::handleClosed
            m_expectIgnored.clear();
            rejectAll(Code::Disconnected, [&](const QRustBridgeError &gone) { m_router.connectionLost(gone); });
            return;
        case 'k': {  // QRustBridgePrivate::stop
            const std::vector<quint64> pendingIds = m_table.ids();
            m_expectIgnored.unite(QSet<quint64>(pendingIds.begin(), pendingIds.end()));
            rejectAll(Code::ProcessExited, [&](const QRustBridgeError &stopped) { m_router.abandonAll(stopped); });
            for (quint64 pendingId : pendingIds)
                FUZZ_CHECK(m_router.isIgnored(pendingId));
            return;
        }
        default:
            return;
        }
    }

    void finishAll()
    {
        m_expectIgnored.clear();
        rejectAll(Code::ProcessExited, [&](const QRustBridgeError &gone) { m_router.connectionLost(gone); });
        FUZZ_CHECK(m_table.size() == 0);

        for (auto &[id, tracked] : m_tracked) {
            FUZZ_CHECK(tracked.hasHandler || tracked.future.isFinished());
            FUZZ_CHECK(*tracked.completions == 1);
            checkOutcome(id, tracked);
        }
        // Every later way out is a no-op on a finished request.
        for (auto &[id, tracked] : m_tracked) {
            m_table.resolve(id, QJsonValue(1));
            m_table.reject(id, error(Code::Remote, id, QStringLiteral("late")));
            m_table.cancel(id, error(Code::Cancelled, id, QStringLiteral("late")));
            // The router's ways out, and a late reply, are no-ops too: nothing is remembered.
            m_router.abandon(id, error(Code::Timeout, id, QStringLiteral("late")));
            m_router.cancel(id, error(Code::Cancelled, id, QStringLiteral("late")));
            FUZZ_CHECK(!m_router.isIgnored(id));
            InboundMessage late;
            late.kind = InboundMessage::Kind::Response;
            late.id = id;
            late.success = true;
            FUZZ_CHECK(m_router.route(late) == ReplyRouter::Routed::Unknown);
            if (tracked.hasHandler)
                continue;
            tracked.userCancelled = true;
            tracked.future.cancel();
        }
        m_table.rejectAll(QRustBridgeError(Code::Disconnected, QStringLiteral("late")));
        FUZZ_CHECK(m_table.size() == 0);
        for (auto &[id, tracked] : m_tracked) {
            FUZZ_CHECK(*tracked.completions == 1);
            checkOutcome(id, tracked);
        }
    }

private:
    void bridgeCancel(const std::vector<quint64> &ids)  // QRustBridgePrivate::cancelRequest
    {
        for (quint64 id : ids) {
            FUZZ_CHECK(m_table.contains(id));
            FUZZ_CHECK(m_tracked.at(id).cancelledWhilePending);
            m_expectIgnored.insert(id);
            finish(id, Tracked::Outcome::Cancelled, Code::NoError, {},
                   [&] { m_router.cancel(id, error(Code::Cancelled, id, QStringLiteral("cancelled"))); });
            FUZZ_CHECK(m_router.isIgnored(id));
        }
    }

    // `op` is one of the router's ways to end everything pending.
    template <typename Op>
    void rejectAll(Code code, Op op)
    {
        std::map<quint64, int> before;
        for (auto &[id, tracked] : m_tracked) {
            if (m_table.contains(id)) {
                before.emplace(id, *tracked.completions);
                FUZZ_CHECK(before[id] == 0 || tracked.cancelledWhilePending);
            }
        }
        FUZZ_CHECK(int(before.size()) == m_table.size());
        op(QRustBridgeError(code, QStringLiteral("gone")));
        FUZZ_CHECK(m_table.size() == 0);
        for (const auto &[id, count] : before) {
            Tracked &tracked = m_tracked[id];
            FUZZ_CHECK(*tracked.completions == 1);
            tracked.outcome = tracked.cancelledWhilePending ? Tracked::Outcome::Cancelled
                                                            : Tracked::Outcome::Rejected;
            tracked.code = code;
        }
    }

    // Runs `op`, one way out for `id`, and checks it finished the future
    // exactly once if it was pending, and changed nothing otherwise.
    template <typename Op>
    void finish(quint64 id, Tracked::Outcome outcome, Code code, const QJsonValue &result, Op op)
    {
        const int sizeBefore = m_table.size();
        const bool wasPending = m_table.contains(id);
        const auto it = m_tracked.find(id);
        const int completionsBefore = it == m_tracked.end() ? 0 : *it->second.completions;
        op();
        FUZZ_CHECK(!m_table.contains(id));
        if (!wasPending) {
            FUZZ_CHECK(m_table.size() == sizeBefore);
            if (it != m_tracked.end())
                FUZZ_CHECK(*it->second.completions == completionsBefore);
            return;
        }
        FUZZ_CHECK(it != m_tracked.end());
        FUZZ_CHECK(m_table.size() == sizeBefore - 1);
        Tracked &tracked = it->second;
        FUZZ_CHECK(completionsBefore == 0 || tracked.cancelledWhilePending);
        FUZZ_CHECK(*tracked.completions == 1);
        FUZZ_CHECK(tracked.hasHandler || tracked.future.isFinished());
        tracked.outcome = tracked.cancelledWhilePending ? Tracked::Outcome::Cancelled : outcome;
        tracked.code = code;
        tracked.result = result;
    }

    static void checkOutcome(quint64 id, const Tracked &tracked)
    {
        if (tracked.hasHandler) {
            checkHandlerOutcome(id, tracked);
            return;
        }
        QFuture<QJsonValue> future = tracked.future;  // waitForFinished() is not const
        switch (tracked.outcome) {
        case Tracked::Outcome::Pending:
            FUZZ_CHECK(!"a request was never finished");
            return;
        case Tracked::Outcome::Resolved:
            FUZZ_CHECK(tracked.userCancelled || !future.isCanceled());
            FUZZ_CHECK(future.resultCount() == 1);
            FUZZ_CHECK(future.result() == tracked.result);
            return;
        case Tracked::Outcome::Cancelled:
            FUZZ_CHECK(future.isCanceled());
            FUZZ_CHECK(future.resultCount() == 0);
            try {
                future.waitForFinished();
            } catch (...) {
                FUZZ_CHECK(!"a cancelled future carries an exception");
            }
            return;
        case Tracked::Outcome::Rejected:
            FUZZ_CHECK(future.resultCount() == 0);
            try {
                future.waitForFinished();
                FUZZ_CHECK(!"a rejected future carries no exception");
            } catch (const QRustBridgeError &error) {
                FUZZ_CHECK(error.code() == tracked.code);
                FUZZ_CHECK(error.requestId() == MessageCodec::requestIdString(id));
                FUZZ_CHECK(error.method() == tracked.method);
            }
            return;
        }
    }

    static void checkHandlerOutcome(quint64 id, const Tracked &tracked)
    {
        const auto &[result, error] = *tracked.handlerReply;
        switch (tracked.outcome) {
        case Tracked::Outcome::Pending:
            FUZZ_CHECK(!"a request was never finished");
            return;
        case Tracked::Outcome::Resolved:
            FUZZ_CHECK(error.code() == Code::NoError);
            FUZZ_CHECK(result == tracked.result);
            return;
        case Tracked::Outcome::Cancelled:
        case Tracked::Outcome::Rejected:
            FUZZ_CHECK(result.isNull());
            FUZZ_CHECK(error.code() == (tracked.outcome == Tracked::Outcome::Cancelled ? Code::Cancelled : tracked.code));
            FUZZ_CHECK(error.requestId() == MessageCodec::requestIdString(id));
            FUZZ_CHECK(error.method() == tracked.method);
            return;
        }
    }

    QRustBridgeError error(Code code, quint64 id, const QString &message) const
    {
        const auto it = m_tracked.find(id);
        return QRustBridgeError(code, message, it == m_tracked.end() ? QString() : it->second.method,
                                MessageCodec::requestIdString(id));
    }

    ReplyRouter m_router;
    PendingTable &m_table = m_router.pending();
    std::map<quint64, Tracked> m_tracked;
    // Ids whose next reply the router must ignore: the model's own bookkeeping, not the router's.
    QSet<quint64> m_expectIgnored;
    quint64 m_nextId = 1;
};

// The I/O thread's side of inbound flow control, driven the way IoWorker
// drives IoChannel: lines from the backend wait "in the pipe" while reading
// is paused; the bridge's thread takes the queue when it is not busy.
class InboundFlow
{
public:
    static constexpr qint64 maxBytes = 64;
    static constexpr std::size_t maxCount = 3;

    InboundFlow() { m_channel.setInboundLimits(maxBytes, maxCount); }

    void arrive(const QByteArray &line)
    {
        m_unread.push_back(line);
        read();
    }

    void setBusy(bool busy) { m_busy = busy; }
    bool isBusy() const { return m_busy; }
    bool isPaused() const { return m_paused; }
    bool hasUnread() const { return !m_unread.empty(); }

    // The bridge's thread takes everything queued and handles it in order.
    void take(Model &model)
    {
        std::vector<InboundMessage> taken;
        const bool wakeIo = m_channel.takeInbound(taken);
        FUZZ_CHECK(wakeIo == m_pausedSinceTake);
        FUZZ_CHECK(taken.size() == m_queued.size());
        for (InboundMessage &message : taken) {
            FUZZ_CHECK(message.generation == m_queued.front());  // in order, each once
            m_queued.pop_front();
            ++m_delivered;
            model.handle(message);
        }
        m_queuedBytes = 0;
        const std::vector<IoCommand> commands = m_channel.takeCommands();
        FUZZ_CHECK(commands.size() == (wakeIo ? 1u : 0u));
        m_pausedSinceTake = false;
        if (wakeIo) {
            FUZZ_CHECK(commands.front().kind == IoCommand::Kind::ResumeReading);
            FUZZ_CHECK(m_paused);
            m_paused = false;  // IoWorker::resumeReading()
            read();
        }
    }

    // Nothing may stay behind: every decoded line reached the bridge.
    void finish(Model &model)
    {
        m_busy = false;
        while (!m_queued.empty() || hasUnread())
            take(model);
        FUZZ_CHECK(m_delivered == m_decoded);
        FUZZ_CHECK(!m_paused);
    }

    std::function<bool(const QByteArray &, InboundMessage &)> decode;
    Model *model = nullptr;

private:
    // IoWorker::onData, one line per read; nothing is read while paused.
    void read()
    {
        while (!m_paused && !m_unread.empty()) {
            const QByteArray line = m_unread.front();
            m_unread.pop_front();
            InboundMessage message;
            if (!decode(line, message))
                continue;
            message.generation = ++m_decoded;
            m_queued.push_back(message.generation);
            m_queuedBytes += line.size();
            std::vector<InboundMessage> batch;
            batch.push_back(std::move(message));
            const IoChannel::InboundPushResult pushed = m_channel.pushInbound(batch, line.size());
            FUZZ_CHECK(batch.empty());
            FUZZ_CHECK(pushed.overLimit == (m_queuedBytes > maxBytes || m_queued.size() > maxCount));
            if (pushed.overLimit) {
                m_paused = true;  // IoWorker::pauseReading()
                m_pausedSinceTake = true;
            }
            if (!m_busy)
                take(*model);
        }
    }

    IoChannel m_channel;
    std::deque<QByteArray> m_unread;   // still in the pipe
    std::deque<quint64> m_queued;      // serials of what waits in the channel
    qint64 m_queuedBytes = 0;
    quint64 m_decoded = 0;
    quint64 m_delivered = 0;
    bool m_paused = false;
    bool m_pausedSinceTake = false;
    bool m_busy = false;
};

// appendRequest must keep any JSON value on one line, and be a fixpoint
// after one trip through the parser.
void checkReencoding(quint64 id, const QString &method, const QJsonValue &params)
{
    QByteArray line;
    MessageCodec::appendRequest(line, OutboundRequest{id, method, params});
    FUZZ_CHECK(line.endsWith('\n'));
    FUZZ_CHECK(line.indexOf('\n') == line.size() - 1);

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    FUZZ_CHECK(parseError.error == QJsonParseError::NoError);
    FUZZ_CHECK(document.isObject());
    const QJsonObject object = document.object();
    FUZZ_CHECK(object.size() == 3);
    FUZZ_CHECK(object.value(QLatin1String("id")).toString() == MessageCodec::requestIdString(id));
    FUZZ_CHECK(object.value(QLatin1String("method")).isString());
    FUZZ_CHECK(object.contains(QLatin1String("params")));

    QByteArray again;
    MessageCodec::appendRequest(again, OutboundRequest{id, object.value(QLatin1String("method")).toString(),
                                                       object.value(QLatin1String("params"))});
    FUZZ_CHECK(again == line);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    FuzzCommon::initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    Model model(1 + data[0] % 32);
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    InboundFlow flow;
    flow.model = &model;
    flow.decode = [](const QByteArray &line, InboundMessage &message) {
        QString problem;
        if (!MessageCodec::decode(line, message, problem)) {
            FUZZ_CHECK(!problem.isEmpty());
            return false;
        }
        FUZZ_CHECK(problem.isEmpty());
        FUZZ_CHECK(QJsonDocument::fromJson(line).isObject());
        checkReencoding(message.id, message.text, message.value);
        return true;
    };

    for (const QByteArray &line : input.split('\n')) {
        if (line == "!b") {
            flow.setBusy(true);
            continue;
        }
        if (line == "!d") {
            flow.setBusy(false);
            flow.take(model);
            continue;
        }
        if (line.size() >= 2 && line.at(0) == '!') {
            model.control(line);
            continue;
        }
        if (line.isEmpty() || line == "\r")  // IoWorker::onData skips these
            continue;
        flow.arrive(line);
        FUZZ_CHECK(flow.isBusy() || !flow.isPaused());
        FUZZ_CHECK(flow.isPaused() || !flow.hasUnread());
    }
    flow.finish(model);
    model.finishAll();
    return 0;
}
