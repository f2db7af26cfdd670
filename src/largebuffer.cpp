#include "largebuffer_p.h"

#include <QtCore/QtGlobal>

#include <limits>

#if defined(Q_OS_LINUX)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace {

// Below this, huge pages gain little and the advice would only split the
// allocator's mappings.
constexpr qsizetype hugePageAdviceThreshold = 4 * 1024 * 1024;

void adviseHugePages(const QByteArray &buffer)
{
// Linux only; QRUSTBRIDGE_PORTABLE_FALLBACKS builds the plain path there.
#if defined(Q_OS_LINUX) && defined(MADV_HUGEPAGE) && !defined(QRUSTBRIDGE_PORTABLE_FALLBACKS)
    if (buffer.capacity() < hugePageAdviceThreshold)
        return;
    static const quintptr pageSize = quintptr(sysconf(_SC_PAGESIZE));
    // The whole buffer, rounded out to whole pages: a big block is a mapping
    // of its own, and advice on only part of it splits that mapping in two,
    // after which glibc's realloc() can no longer move it with mremap() (the
    // kernel refuses to remap across mappings) and copies it instead
    // (docs/benchmarks.md, "Memory of a 50 MiB reply").
    const quintptr first = quintptr(buffer.constData()) & ~(pageSize - 1);
    const quintptr last = (quintptr(buffer.constData()) + quintptr(buffer.capacity()) + pageSize - 1) & ~(pageSize - 1);
    // Advice only: where the kernel has no huge pages (or THP is off), the
    // buffer simply keeps small ones.
    madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
#else
    Q_UNUSED(buffer);
#endif
}

} // namespace

void LargeBuffer::reserveForAppend(QByteArray &buffer, qsizetype extra)
{
    const qsizetype size = buffer.size();
    if (buffer.isDetached() && extra <= buffer.capacity() - size)
        return;
    // A quarter more than asked: what usually follows a big string (closing
    // quotes and braces) must not make Qt grow the buffer by copying it.
    const qsizetype needed = size + extra;
    constexpr qsizetype largest = std::numeric_limits<qsizetype>::max() / 4;
    const qsizetype wanted = qMin(needed, largest);
    buffer.reserve(qMax(wanted + wanted / 4, qMin(buffer.capacity(), largest) * 2));
    adviseHugePages(buffer);
}
