// Fuzzes QRustLineScanner (bytes -> lines) with arbitrary bytes in arbitrary
// chunking, against a byte-at-a-time reference splitter. Proves, for every
// input and every way of cutting it into push() calls:
//   - the lines that come out are exactly the reference's, in order, and
//     none contains '\n';
//   - a line longer than maxPayloadSize is dropped and counted, never
//     returned, and bufferedBytes() never exceeds maxPayloadSize, after
//     every push();
//   - every input byte is accounted for: returned, dropped, a newline, or
//     the unterminated tail (bufferedBytes(), or discarded if over the limit);
//   - both push() overloads agree, and push(data, lines) appends.
//
// Input layout: [limit selector] [flags] [n] [n chunk sizes] [stream bytes...]
#include "fuzzcommon.h"

#include <QRustBridge/qrustlinescanner.h>

#include <cstdint>
#include <vector>

namespace {

// What QRustLineScanner promises, one byte at a time.
struct ReferenceSplitter
{
    qint64 limit;
    QByteArray current;
    bool overLimit = false;
    QByteArrayList lines;
    quint64 droppedLines = 0;
    qint64 droppedBytes = 0;   // bytes of dropped lines, and of a discarded tail
    qint64 newlines = 0;

    void push(const char *data, qsizetype size)
    {
        for (qsizetype i = 0; i < size; ++i) {
            const char c = data[i];
            if (c == '\n') {
                ++newlines;
                if (overLimit) {
                    ++droppedLines;
                } else {
                    lines.append(current);
                }
                current.clear();
                overLimit = false;
            } else if (overLimit) {
                ++droppedBytes;
            } else {
                current.append(c);
                if (current.size() > limit) {
                    droppedBytes += current.size();
                    current.clear();
                    overLimit = true;
                }
            }
        }
    }

    void clear()
    {
        droppedBytes += current.size();
        current.clear();
        overLimit = false;
    }
};

qint64 limitFor(std::uint8_t selector)
{
    // Mostly tiny limits, so lines straddle chunks and get dropped often.
    static const qint64 limits[] = {1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 32, 64, 100, 255, 4096, 50 * 1024 * 1024};
    return limits[selector % (sizeof(limits) / sizeof(limits[0]))];
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    FuzzCommon::initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 3)
        return 0;
    const qint64 limit = limitFor(data[0]);
    const std::uint8_t flags = data[1];
    const bool clearHalfway = flags & 0x01;      // clear() at the middle chunk boundary
    const bool alternateOverloads = flags & 0x02;
    const std::size_t sizeCount = std::min<std::size_t>(data[2] % 9, size - 3);
    std::vector<std::size_t> chunkSizes(data + 3, data + 3 + sizeCount);
    std::size_t offset = 3 + sizeCount;

    const char *stream = reinterpret_cast<const char *>(data + offset);
    const qsizetype streamSize = qsizetype(size - offset);
    if (chunkSizes.empty())
        chunkSizes.push_back(std::size_t(streamSize));  // one push of everything

    QRustLineScanner scanner(limit);
    FUZZ_CHECK(scanner.maxPayloadSize() == limit);
    ReferenceSplitter reference{limit, {}, false, {}, 0, 0, 0};
    QByteArrayList lines;
    const QByteArray sentinel("sentinel\n");  // push(data, lines) must append after it
    qsizetype position = 0;
    std::size_t chunkIndex = 0;
    bool cleared = false;

    while (position < streamSize || chunkIndex == 0) {
        // A zero chunk size pushes an empty array, which must change nothing.
        const qsizetype length = qMin<qsizetype>(qsizetype(chunkSizes[chunkIndex % chunkSizes.size()]),
                                                 streamSize - position);
        const QByteArray chunk(stream + position, length);
        const qsizetype linesBefore = lines.size();
        if (alternateOverloads && chunkIndex % 2 == 1) {
            lines.append(scanner.push(chunk));
        } else {
            QByteArrayList out{sentinel};
            scanner.push(chunk, out);
            FUZZ_CHECK(!out.isEmpty() && out.first() == sentinel);
            lines.append(out.mid(1));
        }
        reference.push(stream + position, length);
        position += length;
        ++chunkIndex;

        for (qsizetype i = linesBefore; i < lines.size(); ++i)
            FUZZ_CHECK(!lines.at(i).contains('\n'));
        FUZZ_CHECK(lines.size() == reference.lines.size());
        FUZZ_CHECK(scanner.bufferedBytes() >= 0 && scanner.bufferedBytes() <= limit);
        FUZZ_CHECK(scanner.bufferedBytes() == reference.current.size());
        FUZZ_CHECK(scanner.droppedLineCount() == reference.droppedLines);

        if (clearHalfway && !cleared && position * 2 >= streamSize) {
            scanner.clear();
            reference.clear();
            cleared = true;
            FUZZ_CHECK(scanner.bufferedBytes() == 0);
        }
        // All-zero chunk sizes would never advance: after one round of them, take a byte.
        if (length == 0 && chunkIndex % chunkSizes.size() == 0 && position < streamSize) {
            scanner.push(QByteArray(stream + position, 1), lines);
            reference.push(stream + position, 1);
            ++position;
            FUZZ_CHECK(scanner.bufferedBytes() == reference.current.size());
        }
    }

    FUZZ_CHECK(lines == reference.lines);
    FUZZ_CHECK(scanner.droppedLineCount() == reference.droppedLines);

    // Conservation: every byte is in exactly one place.
    qint64 returnedBytes = 0;
    for (const QByteArray &line : std::as_const(lines)) {
        FUZZ_CHECK(line.size() <= limit);
        returnedBytes += line.size();
    }
    FUZZ_CHECK(returnedBytes + reference.droppedBytes + reference.newlines + scanner.bufferedBytes()
               == qint64(streamSize));
    return 0;
}
