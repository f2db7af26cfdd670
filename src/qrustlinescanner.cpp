#include <QRustBridge/qrustlinescanner.h>

#include "largebuffer_p.h"

QRustLineScanner::QRustLineScanner(qint64 maxPayloadSize)
    : m_maxPayloadSize(maxPayloadSize)
{
}

QByteArrayList QRustLineScanner::push(const QByteArray &data)
{
    QByteArrayList lines;
    push(data, lines);
    return lines;
}

void QRustLineScanner::push(const QByteArray &data, QByteArrayList &lines)
{
    // Each byte is looked at once: complete lines are cut straight out of
    // `data`; only an unterminated tail is copied, into m_blocks.
    qsizetype start = 0;
    const qsizetype size = data.size();
    while (start < size) {
        const qsizetype newline = data.indexOf('\n', start);
        const qsizetype end = newline < 0 ? size : newline;
        const qsizetype pieceLength = end - start;

        if (m_discarding) {
            if (newline >= 0) {
                m_discarding = false;
                ++m_droppedLines;
            }
        } else if (m_partialSize + pieceLength > m_maxPayloadSize) {
            clearPartial();
            if (newline >= 0)
                ++m_droppedLines;
            else
                m_discarding = true;
        } else if (newline < 0) {
            appendPartial(data.constData() + start, pieceLength);
        } else if (m_blocks.isEmpty()) {
            lines.append(data.mid(start, pieceLength));
        } else {
            lines.append(takeJoinedLine(data.constData() + start, pieceLength));
        }
        if (newline < 0)
            break;
        start = newline + 1;
    }
}

// A long line is kept in blocks that each grow the capacity geometrically
// and are never reallocated (growing one buffer copies a 50 MiB line about
// twice, into fresh pages), then joined once. Blocks come from LargeBuffer,
// so big ones are filled through huge pages.
void QRustLineScanner::appendPartial(const char *bytes, qsizetype length)
{
    while (length > 0) {
        if (m_blocks.isEmpty() || m_blocks.constLast().size() == m_blocks.constLast().capacity()) {
            QByteArray block;
            LargeBuffer::reserveForAppend(block, qMax(length, m_partialSize));
            m_blocks.append(std::move(block));
        }
        QByteArray &block = m_blocks.last();
        const qsizetype taken = qMin(length, block.capacity() - block.size());
        block.append(bytes, taken);
        bytes += taken;
        length -= taken;
        m_partialSize += taken;
    }
}

QByteArray QRustLineScanner::takeJoinedLine(const char *tail, qsizetype tailLength)
{
    QByteArray line;
    if (m_blocks.size() == 1 && m_blocks.constFirst().capacity() - m_partialSize >= tailLength) {
        line = std::move(m_blocks.first());
    } else {
        LargeBuffer::reserveForAppend(line, m_partialSize + tailLength);
        for (const QByteArray &block : std::as_const(m_blocks))
            line.append(block);
    }
    line.append(tail, tailLength);
    clearPartial();
    return line;
}

void QRustLineScanner::clearPartial()
{
    m_blocks.clear();
    m_partialSize = 0;
}

void QRustLineScanner::clear()
{
    clearPartial();
    m_discarding = false;
}

qint64 QRustLineScanner::bufferedBytes() const
{
    return m_partialSize;
}

qint64 QRustLineScanner::maxPayloadSize() const
{
    return m_maxPayloadSize;
}

void QRustLineScanner::setMaxPayloadSize(qint64 bytes)
{
    m_maxPayloadSize = bytes;
}

quint64 QRustLineScanner::droppedLineCount() const
{
    return m_droppedLines;
}
