#include "ioworker_p.h"

#include "bridgelog_p.h"
#include "bulkcodec_p.h"
#include "logging_p.h"
#include "messagecodec_p.h"
#include "protocoltrace_p.h"

#include "tr_p.h"
#include <QRustBridge/qrustbridgeoptions.h>
#include <QRustBridge/qruststdiotransport.h>
#include <QRustBridge/qrusttransport.h>

#include <QtCore/QThread>

IoWorker::IoWorker(Placement placement, IoChannel *channel, const QRustBridgeOptions &options,
                   ThreadWaker *bridgeWaker, BridgeLog *log)
    : m_placement(placement)
    , m_channel(channel)
    , m_bridgeWaker(bridgeWaker)
    , m_log(log)
    , m_waker([this] { processChannel(); }, this)
    , m_scanner(options.maxPayloadSize)
    , m_trace(ProtocolTrace::isRequested(options.traceMessages))
{
    m_channel->setInboundLimits(qMax<qint64>(options.inboundHighWaterMark, 0), inboundCountLimit);
}

IoWorker::~IoWorker()
{
    m_bulk.reset();  // joins its thread before the wakers it posts go
}

void IoWorker::wake()
{
    m_waker.post();
}

void IoWorker::processChannel()
{
    if (!m_channel)
        return;  // a wake-up that arrived after shutdown()
    const EntryScope entry(this);
    writeEncodedRequests();
    checkBulkProgress();
    for (const IoCommand &command : m_channel->takeCommands()) {
        switch (command.kind) {
        case IoCommand::Kind::OpenTransport:
            openTransport(command.transport, command.generation);
            break;
        case IoCommand::Kind::CloseTransport:
            closeTransport();
            break;
        case IoCommand::Kind::Shutdown:
            shutdown();
            return;
        case IoCommand::Kind::ResumeReading:
            resumeReading();
            break;
        }
    }
    writePending();
}

void IoWorker::openTransport(QRustTransport *transport, quint64 generation)
{
    dropTransport();
    m_scanner.clear();
    m_generation = generation;
    // A new transport reads until the queue says otherwise (the BulkCodec's
    // leftovers are of the old generation: the bridge drops them).
    m_readingPaused = m_pausedForQueue = m_pausedForBulk = false;
    m_encodingElsewhere = false;
    m_batch.clear();  // unsent requests of the old transport fail with it
    m_nextInBatch = 0;
    m_transport = transport;
    transport->setParent(this);

    connect(transport, &QRustTransport::dataReceived, this, &IoWorker::onData);
    connect(transport, &QRustTransport::bytesWritten, this, [this] {
        const EntryScope entry(this);
        writePending();
    });
    connect(transport, &QRustTransport::opened, this, [this] {
        const EntryScope entry(this);
        InboundMessage message;
        message.kind = InboundMessage::Kind::Opened;
        if (auto *stdio = qobject_cast<QRustStdioTransport *>(m_transport.data()))
            message.pidOrExitCode = stdio->processId();
        report(std::move(message));
        flushReports();
        writePending();
    });
    connect(transport, &QRustTransport::openFailed, this, [this](const QRustBridgeError &error) {
        const EntryScope entry(this);
        InboundMessage message;
        message.kind = InboundMessage::Kind::OpenFailed;
        message.setError(error);
        report(std::move(message));
        flushReports();
    });
    connect(transport, &QRustTransport::closed, this, [this](const QRustBridgeError &reason) {
        const EntryScope entry(this);
        if (m_channel)
            m_channel->clearOutbound();
        InboundMessage message;
        message.kind = InboundMessage::Kind::Closed;
        message.setError(reason);
        report(std::move(message));
        flushReports();
    });
    if (auto *stdio = qobject_cast<QRustStdioTransport *>(transport)) {
        connect(stdio, &QRustStdioTransport::standardErrorLine, this, [this](const QString &line) {
            const EntryScope entry(this);
            InboundMessage message;
            message.kind = InboundMessage::Kind::StderrLine;
            message.text = line;
            report(std::move(message));
            flushReports();
        });
        connect(stdio, &QRustStdioTransport::processFinished, this,
                [this](int exitCode, QProcess::ExitStatus status) {
                    const EntryScope entry(this);
                    InboundMessage message;
                    message.kind = InboundMessage::Kind::ProcessFinished;
                    message.pidOrExitCode = exitCode;
                    message.exitStatus = status;
                    report(std::move(message));
                });
    }
    transport->open();
}

void IoWorker::closeTransport()
{
    if (m_transport)
        m_transport->close();
}

void IoWorker::shutdown()
{
    stopEverything(false);
    // The thread's exit runs the deferred delete, before QThread::wait() returns.
    deleteLater();
    thread()->quit();
}

bool IoWorker::shutdownInPlace()
{
    Q_ASSERT(m_placement == Placement::BridgeThread);
    const bool onStack = m_delivering > 0 || m_entryDepth > 0;
    if (m_channel)
        stopEverything(onStack);
    if (!onStack)
        return true;
    // We are being destroyed from inside our own delivery (application code
    // deleted the bridge): the transport and this worker are still on the
    // stack, so they go once it unwinds.
    setParent(nullptr);
    deleteLater();
    return false;
}

void IoWorker::stopEverything(bool keepObjects)
{
    // From here on nothing reaches the channel or the bridge: what the
    // dying transport still reports (its exit, say) is dropped.
    IoChannel *const channel = m_channel;
    m_channel = nullptr;
    m_bridgeDue = false;
    if (auto *stdio = qobject_cast<QRustStdioTransport *>(m_transport.data()))
        stdio->terminateNow(destructionGraceMs);
    if (keepObjects && m_transport)
        m_transport->disconnect(this);  // deleted with us, later
    else
        dropTransport();
    m_bulk.reset();  // its thread pushes into the channel: stopped first
    m_reports.clear();
    channel->markShutDown();
}

void IoWorker::dropTransport()
{
    if (!m_transport)
        return;
    m_transport->disconnect(this);
    delete m_transport.data();
    m_transport.clear();
}

void IoWorker::writeFromBridge()
{
    ++m_bridgeCalls;
    writePending();
    --m_bridgeCalls;
}

void IoWorker::writePending()
{
    if (!m_transport || !m_channel)
        return;
    // Batching many small requests into one write() is what makes pipelining fast.
    constexpr std::size_t batchSize = 256;
    while (!m_encodingElsewhere && m_transport && m_transport->bytesToWrite() < writeHighWaterMark) {
        if (m_nextInBatch == m_batch.size()) {
            m_batch.clear();
            m_nextInBatch = 0;
            m_channel->takeOutbound(m_batch, batchSize);
            if (m_batch.empty())
                break;
        }
        while (m_nextInBatch < m_batch.size() && !m_encodingElsewhere)
            writeRequest(m_batch[m_nextInBatch++]);
        flushWriteBuffer();
    }
    flushReports();
}

void IoWorker::writeRequest(OutboundRequest &request)
{
    if (m_placement == Placement::BridgeThread && m_sizeProbe.exceeds(request.params, bulkRequestBytes)) {
        // Serialized by the BulkCodec; the requests after it wait for it.
        flushWriteBuffer();
        bulkCodec().pushEncode(std::move(request), m_generation);
        m_encodingElsewhere = true;
        return;
    }
    constexpr qsizetype writeChunkBytes = 256 * 1024;
    const qsizetype before = m_writeBuffer.size();
    MessageCodec::appendRequest(m_writeBuffer, request, m_jsonWriter);
    if (!checkRequestSize(m_writeBuffer.size() - before, request.id, request.method)) {
        m_writeBuffer.truncate(before);
        return;
    }
    if (m_trace)
        ProtocolTrace::sent(QByteArrayView(m_writeBuffer).sliced(before, m_writeBuffer.size() - before - 1));
    if (m_writeBuffer.size() >= writeChunkBytes)
        flushWriteBuffer();
}

bool IoWorker::checkRequestSize(qsizetype lineBytes, quint64 id, const QString &method)
{
    // The newline is framing, not payload.
    const qint64 maxPayload = m_scanner.maxPayloadSize();
    if (lineBytes - 1 <= maxPayload)
        return true;
    InboundMessage failure;
    failure.kind = InboundMessage::Kind::RequestFailed;
    failure.id = id;
    failure.setError(QRustBridgeError(
        QRustBridgeError::Code::PayloadTooLarge,
        QRustBridgeTr::tr("the request is larger than maxPayloadSize (%1 bytes); nothing was sent").arg(maxPayload),
        method, MessageCodec::requestIdString(id)));
    report(std::move(failure));
    return false;
}

void IoWorker::writeEncodedRequests()
{
    BulkCodec::EncodedRequest encoded;
    while (m_bulk && m_bulk->takeEncoded(encoded)) {
        if (encoded.generation != m_generation || !m_transport)
            continue;  // for a transport that is gone
        m_encodingElsewhere = false;
        if (!checkRequestSize(encoded.line.size(), encoded.id, encoded.method))
            continue;
        if (m_trace)
            ProtocolTrace::sent(QByteArrayView(encoded.line).chopped(1));
        flushWriteBuffer();
        m_writeBuffer = std::move(encoded.line);  // shared with the transport, not copied
        flushWriteBuffer();
    }
}

BulkCodec &IoWorker::bulkCodec()
{
    if (!m_bulk)
        m_bulk = std::make_unique<BulkCodec>(m_channel, m_bridgeWaker, &m_waker, m_log, m_scanner.maxPayloadSize(),
                                             m_trace);
    return *m_bulk;
}

void IoWorker::flushWriteBuffer()
{
    // A refused write means the transport is going away; its closed() fails the requests.
    if (!m_writeBuffer.isEmpty() && !m_transport->write(m_writeBuffer))
        m_log->queue(QtWarningMsg, QStringLiteral("the transport refused %1 bytes").arg(m_writeBuffer.size()));
    // A small batch was copied by the transport: keep the buffer's capacity
    // for the next one. A big one is shared with the transport (or would pin
    // its size here): let it go.
    constexpr qsizetype keptCapacity = 1024 * 1024;
    if (m_writeBuffer.isDetached() && m_writeBuffer.capacity() <= keptCapacity)
        m_writeBuffer.resize(0);
    else
        m_writeBuffer = QByteArray();
}

void IoWorker::onData(const QByteArray &data)
{
    if (!m_channel)
        return;  // shut down while the transport was still delivering
    const EntryScope entry(this);
    // A big read (a stream's burst) or a long line goes to the codec thread
    // whole, unsplit; so does everything while it holds any of ours, which
    // keeps the order.
    if (m_placement == Placement::BridgeThread && !m_scanner.isDiscarding()
        && (bulkBusy() || data.size() >= bulkReadBytes || makesLongLine(data))) {
        handOver(data);
        return;
    }
    m_lines.clear();
    const quint64 droppedBefore = m_scanner.droppedLineCount();
    m_scanner.push(data, m_lines);
    if (m_scanner.droppedLineCount() != droppedBefore)
        warnDroppedLine(*m_log, m_scanner.maxPayloadSize());
    qint64 lineBytes = 0;
    for (const QByteArray &line : std::as_const(m_lines)) {
        if (m_trace)
            ProtocolTrace::received(line);
        lineBytes += line.size();
        InboundMessage message;
        if (decodeLine(line, message, *m_log))
            report(std::move(message));
    }
    m_lines.clear();
    flushReports(lineBytes);
}

void IoWorker::handOver(const QByteArray &data)
{
    flushReports();  // what was decoded here goes first
    bulkCodec().pushBytes(m_scanner.takePartialLine(), data, m_generation);
    if (m_bulk->queuedBytes() > bulkQueueLimit)
        m_pausedForBulk = true;
    // The codec fills the bridge's queue from its thread; its pushes cannot
    // pause reading themselves, so that is checked here, as they go in.
    if (m_channel->inboundOverLimit())
        m_pausedForQueue = true;
    applyReadingPause();
}

bool IoWorker::makesLongLine(const QByteArray &data) const
{
    // Only the ends matter: a line wholly inside a read is shorter than the read.
    const qsizetype firstNewline = data.indexOf('\n');
    if (m_scanner.bufferedBytes() + (firstNewline < 0 ? data.size() : firstNewline) >= bulkLineBytes)
        return true;
    return data.size() - 1 - data.lastIndexOf('\n') >= bulkLineBytes;
}

void IoWorker::warnDroppedLine(BridgeLog &log, qint64 maxPayloadSize)
{
    log.queue(QtWarningMsg,
              QStringLiteral("dropped a line from the backend longer than maxPayloadSize (%1 bytes)").arg(maxPayloadSize),
              {{QStringLiteral("maxPayloadSize"), maxPayloadSize}});
}

bool IoWorker::decodeLine(const QByteArray &line, InboundMessage &message, BridgeLog &log)
{
    if (line.isEmpty() || line == "\r")
        return false;
    QString problem;
    if (MessageCodec::decode(line, message, problem))
        return true;
    log.queue(QtWarningMsg,
              QStringLiteral("skipping a line from the backend: %1 -- %2")
                  .arg(problem, QString::fromUtf8(line.left(200))),
              {{QStringLiteral("problem"), problem}, {QStringLiteral("bytes"), line.size()}});
    return false;
}

bool IoWorker::bulkBusy() const
{
    return m_bulk && !m_bulk->isIdle();
}

void IoWorker::checkBulkProgress()
{
    if (!m_pausedForBulk || !m_bulk || m_bulk->queuedBytes() > bulkQueueLimit / 2)
        return;
    m_pausedForBulk = false;
    // The decoder may have filled the bridge's queue: then reading waits for
    // the ResumeReading that taking it brings.
    if (m_channel->inboundOverLimit())
        m_pausedForQueue = true;
    applyReadingPause();
}

void IoWorker::report(InboundMessage &&message)
{
    message.generation = m_generation;
    if (bulkBusy()) {
        flushReports();
        m_bulk->pushMessage(std::move(message));  // behind the lines it is decoding
        return;
    }
    m_reports.push_back(std::move(message));
}

void IoWorker::flushReports(qint64 lineBytes)
{
    if (m_reports.empty() || !m_channel)
        return;
    const IoChannel::InboundPushResult pushed = m_channel->pushInbound(m_reports, lineBytes);
    if (pushed.wakeBridge) {
        if (m_placement == Placement::BridgeThread && m_entryDepth > 0)
            m_bridgeDue = true;  // handed over when the entry ends
        else
            m_bridgeWaker->post();
    }
    if (pushed.overLimit && !m_pausedForQueue) {
        m_pausedForQueue = true;
        applyReadingPause();
    }
}

IoWorker::EntryScope::EntryScope(IoWorker *worker)
    : m_worker(worker)
{
    ++m_worker->m_entryDepth;
}

IoWorker::EntryScope::~EntryScope()
{
    if (--m_worker->m_entryDepth == 0)
        m_worker->deliverDue();
}

void IoWorker::deliverDue()
{
    if (!m_bridgeDue)
        return;
    m_bridgeDue = false;
    if (!m_channel)
        return;  // shut down meanwhile: the bridge is gone
    // The bridge called in (sendCommand() writing): its caller must not see
    // replies before that call returns.
    if (m_bridgeCalls > 0) {
        m_bridgeWaker->post();
        return;
    }
    ++m_delivering;
    m_bridgeWaker->fire();  // the bridge's drainInbound(): application code, which may destroy the bridge
    --m_delivering;
}

void IoWorker::applyReadingPause()
{
    // Someone is behind: leave the rest in the pipe or socket, so the
    // backend waits instead of our memory growing.
    const bool pause = m_pausedForQueue || m_pausedForBulk;
    if (pause == m_readingPaused)
        return;
    m_readingPaused = pause;
    // Straight to the category: a diagnostic, and a queued log entry would
    // wait for the very thread that may be behind.
    if (pause)
        qCDebug(lcQRustBridge) << "inbound queue above its limit: reading paused";
    else
        qCDebug(lcQRustBridge) << "inbound queue taken: reading resumed";
    if (m_transport)
        m_transport->setReadingPaused(pause);
}

void IoWorker::resumeReading()
{
    m_pausedForQueue = false;
    applyReadingPause();
}
