#include "ioworker_p.h"

#include "bridgelog_p.h"
#include "logging_p.h"
#include "messagecodec_p.h"
#include "protocoltrace_p.h"

#include "tr_p.h"
#include <QRustBridge/qrustbridgeoptions.h>
#include <QRustBridge/qruststdiotransport.h>
#include <QRustBridge/qrusttransport.h>

#include <QtCore/QThread>

IoWorker::IoWorker(IoChannel *channel, const QRustBridgeOptions &options, ThreadWaker *bridgeWaker,
                   BridgeLog *log)
    : m_channel(channel)
    , m_bridgeWaker(bridgeWaker)
    , m_log(log)
    , m_waker([this] { processChannel(); }, this)
    , m_scanner(options.maxPayloadSize)
    , m_trace(ProtocolTrace::isRequested(options.traceMessages))
{
    m_channel->setInboundLimits(qMax<qint64>(options.inboundHighWaterMark, 0), inboundCountLimit);
}

IoWorker::~IoWorker() = default;

void IoWorker::wake()
{
    m_waker.post();
}

void IoWorker::processChannel()
{
    if (!m_channel)
        return;  // a wake-up that arrived after shutdown()
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
    m_readingPaused = false;  // a new transport reads until the queue says otherwise
    m_transport = transport;
    transport->setParent(this);

    connect(transport, &QRustTransport::dataReceived, this, &IoWorker::onData);
    connect(transport, &QRustTransport::bytesWritten, this, &IoWorker::writePending);
    connect(transport, &QRustTransport::opened, this, [this] {
        InboundMessage message;
        message.kind = InboundMessage::Kind::Opened;
        if (auto *stdio = qobject_cast<QRustStdioTransport *>(m_transport.data()))
            message.pidOrExitCode = stdio->processId();
        report(std::move(message));
        flushReports();
        writePending();
    });
    connect(transport, &QRustTransport::openFailed, this, [this](const QRustBridgeError &error) {
        InboundMessage message;
        message.kind = InboundMessage::Kind::OpenFailed;
        message.setError(error);
        report(std::move(message));
        flushReports();
    });
    connect(transport, &QRustTransport::closed, this, [this](const QRustBridgeError &reason) {
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
            InboundMessage message;
            message.kind = InboundMessage::Kind::StderrLine;
            message.text = line;
            report(std::move(message));
            flushReports();
        });
        connect(stdio, &QRustStdioTransport::processFinished, this,
                [this](int exitCode, QProcess::ExitStatus status) {
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
    if (auto *stdio = qobject_cast<QRustStdioTransport *>(m_transport.data()))
        stdio->terminateNow(destructionGraceMs);
    dropTransport();
    m_reports.clear();
    m_channel->markShutDown();
    m_channel = nullptr;
    // The thread's exit runs the deferred delete, before QThread::wait() returns.
    deleteLater();
    thread()->quit();
}

void IoWorker::dropTransport()
{
    if (!m_transport)
        return;
    m_transport->disconnect(this);
    delete m_transport.data();
    m_transport.clear();
}

void IoWorker::writePending()
{
    if (!m_transport || !m_channel)
        return;
    // Batching many small requests into one write() is what makes pipelining fast.
    constexpr std::size_t batchSize = 256;
    constexpr qsizetype writeChunkBytes = 256 * 1024;
    const qint64 maxPayload = m_scanner.maxPayloadSize();
    while (m_transport && m_transport->bytesToWrite() < writeHighWaterMark) {
        m_batch.clear();
        m_channel->takeOutbound(m_batch, batchSize);
        if (m_batch.empty())
            break;
        for (const OutboundRequest &request : m_batch) {
            const qsizetype before = m_writeBuffer.size();
            MessageCodec::appendRequest(m_writeBuffer, request, m_jsonWriter);
            // The newline is framing, not payload.
            if (m_writeBuffer.size() - before - 1 > maxPayload) {
                m_writeBuffer.truncate(before);
                InboundMessage failure;
                failure.kind = InboundMessage::Kind::RequestFailed;
                failure.id = request.id;
                failure.setError(QRustBridgeError(
                    QRustBridgeError::Code::PayloadTooLarge,
                    QRustBridgeTr::tr("the request is larger than maxPayloadSize (%1 bytes); nothing was sent")
                        .arg(maxPayload),
                    request.method, MessageCodec::requestIdString(request.id)));
                report(std::move(failure));
                continue;
            }
            if (m_trace)
                ProtocolTrace::sent(QByteArrayView(m_writeBuffer).sliced(before, m_writeBuffer.size() - before - 1));
            if (m_writeBuffer.size() >= writeChunkBytes)
                flushWriteBuffer();
        }
        flushWriteBuffer();
    }
    flushReports();
}

void IoWorker::flushWriteBuffer()
{
    // A refused write means the transport is going away; its closed() fails the requests.
    if (!m_writeBuffer.isEmpty() && !m_transport->write(m_writeBuffer))
        m_log->warning(QStringLiteral("the transport refused %1 bytes").arg(m_writeBuffer.size()));
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
    m_lines.clear();
    const quint64 droppedBefore = m_scanner.droppedLineCount();
    m_scanner.push(data, m_lines);
    if (m_scanner.droppedLineCount() != droppedBefore) {
        m_log->warning(QStringLiteral("dropped a line from the backend longer than maxPayloadSize (%1 bytes)")
                           .arg(m_scanner.maxPayloadSize()),
                       {{QStringLiteral("maxPayloadSize"), m_scanner.maxPayloadSize()}});
    }
    qint64 lineBytes = 0;
    for (const QByteArray &line : m_lines) {
        if (m_trace)
            ProtocolTrace::received(line);
        if (line.isEmpty() || line == "\r")
            continue;
        lineBytes += line.size();
        InboundMessage message;
        QString problem;
        if (MessageCodec::decode(line, message, problem)) {
            report(std::move(message));
        } else {
            m_log->warning(QStringLiteral("skipping a line from the backend: %1 -- %2")
                               .arg(problem, QString::fromUtf8(line.left(200))),
                           {{QStringLiteral("problem"), problem}, {QStringLiteral("bytes"), line.size()}});
        }
    }
    m_lines.clear();
    flushReports(lineBytes);
}

void IoWorker::report(InboundMessage &&message)
{
    message.generation = m_generation;
    m_reports.push_back(std::move(message));
}

void IoWorker::flushReports(qint64 lineBytes)
{
    if (m_reports.empty() || !m_channel)
        return;
    const IoChannel::InboundPushResult pushed = m_channel->pushInbound(m_reports, lineBytes);
    if (pushed.wakeBridge)
        m_bridgeWaker->post();
    if (pushed.overLimit && !m_readingPaused)
        pauseReading();
}

void IoWorker::pauseReading()
{
    // The bridge's thread is behind: leave the rest in the pipe or socket,
    // so the backend waits instead of our memory growing.
    m_readingPaused = true;
    // Straight to the category, on this thread: a diagnostic, and a queued
    // log entry would wait for the very thread that is behind.
    qCDebug(lcQRustBridge) << "inbound queue above its limit: reading paused";
    if (m_transport)
        m_transport->setReadingPaused(true);
}

void IoWorker::resumeReading()
{
    if (!m_readingPaused)
        return;  // paused a transport that is gone since
    m_readingPaused = false;
    qCDebug(lcQRustBridge) << "inbound queue taken: reading resumed";
    if (m_transport)
        m_transport->setReadingPaused(false);
}
