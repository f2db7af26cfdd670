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

void adviseHugePages(char *begin, qsizetype length)
{
// Linux only; QRUSTBRIDGE_PORTABLE_FALLBACKS builds the plain path there.
#if defined(Q_OS_LINUX) && defined(MADV_HUGEPAGE) && !defined(QRUSTBRIDGE_PORTABLE_FALLBACKS)
    if (length < hugePageAdviceThreshold)
        return;
    static const quintptr pageSize = quintptr(sysconf(_SC_PAGESIZE));
    const quintptr first = (quintptr(begin) + pageSize - 1) & ~(pageSize - 1);
    const quintptr last = (quintptr(begin) + quintptr(length)) & ~(pageSize - 1);
    // Advice only: where the kernel has no huge pages (or THP is off), the
    // buffer simply keeps small ones.
    if (last > first)
        madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
#else
    Q_UNUSED(begin);
    Q_UNUSED(length);
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
    adviseHugePages(buffer.data() + size, buffer.capacity() - size);
}
