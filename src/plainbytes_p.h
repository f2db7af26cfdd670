#pragma once

#include <QtCore/QtAlgorithms>
#include <QtCore/QtGlobal>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Length of the run of bytes from `p` (up to `end`) that JSON text holds as
// they are: printable ASCII (0x20 to 0x7e) other than a quote, a backslash
// and `alsoStop`. Reading JSON and writing it both scan long strings for the
// next byte that needs attention; sixteen bytes at a time with SSE2.
inline qsizetype plainAsciiRun(const char *p, const char *end, char alsoStop)
{
    const char *const start = p;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i other = _mm_set1_epi8(alsoStop);
    const __m128i del = _mm_set1_epi8(0x7f);
    const __m128i lastControl = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        // Signed compare: bytes from 0x80 up are negative, so not above 0x1f.
        const __m128i notPrintable = _mm_or_si128(_mm_cmpeq_epi8(bytes, del),
                                                  _mm_andnot_si128(_mm_cmpgt_epi8(bytes, lastControl),
                                                                   _mm_set1_epi8(-1)));
        const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote),
                                                          _mm_cmpeq_epi8(bytes, backslash)),
                                             _mm_cmpeq_epi8(bytes, other));
        const int mask = _mm_movemask_epi8(_mm_or_si128(notPrintable, special));
        if (mask)
            return (p - start) + qCountTrailingZeroBits(uint(mask));
        p += 16;
    }
#endif
    while (p != end && uchar(*p) >= 0x20 && uchar(*p) < 0x7f && *p != '"' && *p != '\\' && *p != alsoStop)
        ++p;
    return p - start;
}
