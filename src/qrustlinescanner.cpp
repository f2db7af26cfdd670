#include <QRustBridge/qrustlinescanner.h>

#include "largebuffer_p.h"

#include <utility>

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
    // `data`; only an unterminated tail is copied, into m_partial.
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
        } else if (m_partial.size() + pieceLength > m_maxPayloadSize) {
            clearPartial();
            if (newline >= 0)
                ++m_droppedLines;
            else
                m_discarding = true;
        } else if (newline < 0) {
            appendPartial(data.constData() + start, pieceLength);
        } else if (m_partial.isEmpty()) {
            lines.append(data.mid(start, pieceLength));
        } else {
            lines.append(takeJoinedLine(data.constData() + start, pieceLength));
        }
        if (newline < 0)
            break;
        start = newline + 1;
    }
}

// An incomplete line is kept in one buffer that becomes the line itself: no
// join copy, so a 50 MiB line never needs twice its size. The buffer grows
// geometrically through LargeBuffer (few reallocations, huge pages). A
// reallocation of a big buffer is cheap: glibc moves an mmap'ed block with
// mremap() instead of copying it. Separate blocks were measured worse
// (docs/benchmarks.md, "Memory of a 50 MiB reply"): each freed block of up
// to 32 MiB raises glibc's mmap threshold, so the next long line's blocks
// come from the heap and stay resident after they are freed.
void QRustLineScanner::appendPartial(const char *bytes, qsizetype length)
{
    LargeBuffer::reserveForAppend(m_partial, length);
    m_partial.append(bytes, length);
}

QByteArray QRustLineScanner::takeJoinedLine(const char *tail, qsizetype tailLength)
{
    if (tailLength > 0) {
        LargeBuffer::reserveForAppend(m_partial, tailLength);
        m_partial.append(tail, tailLength);
    }
    // Moved out, not copied: the scanner starts its next line in a fresh buffer.
    QByteArray line = std::exchange(m_partial, QByteArray());
    return line;
}

void QRustLineScanner::clearPartial()
{
    m_partial = QByteArray();
}

void QRustLineScanner::clear()
{
    clearPartial();
    m_discarding = false;
}

QByteArray QRustLineScanner::takePartialLine()
{
    return std::exchange(m_partial, QByteArray());
}

bool QRustLineScanner::isDiscarding() const
{
    return m_discarding;
}

qint64 QRustLineScanner::bufferedBytes() const
{
    return m_partial.size();
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
