#pragma once

// Shared by every benchmark client (plain C++, no Qt): command line, workload
// sizes, clocks, /proc/self memory figures, and the one result line each run
// prints for scripts/bench.sh:
//
//   BENCH {"client":"...","workload":"...","size_mib":0,...}
//
// Workloads (each run does exactly one, in a fresh process):
//   seq        sequential round trips of a 100-byte echo (params are 100 bytes of JSON)
//   pipelined  `count` echo requests sent at once, then wait for all replies
//   stream     one `count` request answered by `count` small chunks
//   echo       one echo of a string of --size MiB (request line <= --size MiB), `reps` times
//   wakeup     (QRustBridge only) sequential round trips of a bare queued call from the
//              main thread to a QThread and back, no I/O: what the I/O-thread hand-offs cost
//   futures    (QRustBridge only) the pipelined workload's QPromise/QFuture continuations
//              alone, no bridge: the floor the QFuture API sets
//   stall      a 1 ms timer on the client's main thread records its worst gap while
//              `big` {bytes: 52428800} (a 50 MiB reply) arrives and is parsed

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace bench {

struct Args
{
    std::string workload;
    std::string backend;
    int sizeMiB = 0;
    bool quick = false;
    long count = 0;   // overrides the workload's default count when > 0
    int reps = 0;     // overrides the workload's default repetitions when > 0
    std::string variant;  // client-specific way of doing the same workload (reported as "variant")
};

inline void usage(const char *argv0)
{
    std::fprintf(stderr,
                 "usage: %s --workload seq|pipelined|stream|echo|stall --backend PATH\n"
                 "          [--size MIB] [--count N] [--reps N] [--quick] [--variant NAME]\n",
                 argv0);
    std::exit(2);
}

inline Args parseArgs(int argc, char **argv, const char *defaultBackend = "")
{
    Args args;
    args.backend = defaultBackend;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(argv[0]);
            return argv[++i];
        };
        if (a == "--workload")
            args.workload = value();
        else if (a == "--backend")
            args.backend = value();
        else if (a == "--size")
            args.sizeMiB = std::atoi(value().c_str());
        else if (a == "--count")
            args.count = std::atol(value().c_str());
        else if (a == "--reps")
            args.reps = std::atoi(value().c_str());
        else if (a == "--quick")
            args.quick = true;
        else if (a == "--variant")
            args.variant = value();
        else
            usage(argv[0]);
    }
    if (args.workload.empty() || args.backend.empty())
        usage(argv[0]);
    if (args.workload == "echo" && args.sizeMiB <= 0)
        usage(argv[0]);
    return args;
}

// ---- workload parameters (identical for every client) ----------------------

constexpr long kMiB = 1024 * 1024;
// The `big` reply of the stall workload: 50 MiB of 'x' as a JSON string. Its
// line is a little over 50 MiB, so clients raise maxPayloadSize to 64 MiB.
constexpr long kStallBytes = 50 * kMiB;
constexpr long kMaxPayload = 64 * kMiB;
// The backend accepts request lines of at most 50 MiB (the protocol default):
// the echo string leaves room for the envelope.
constexpr long kEchoEnvelope = 128;

inline long seqCount(const Args &a) { return a.count > 0 ? a.count : (a.quick ? 3000 : 20000); }
inline long seqWarmup() { return 200; }
inline long pipelinedCount(const Args &a) { return a.count > 0 ? a.count : 100000; }
inline long streamCount(const Args &a) { return a.count > 0 ? a.count : 100000; }
inline long echoStringBytes(const Args &a) { return a.sizeMiB * kMiB - kEchoEnvelope; }
inline int echoReps(const Args &a)
{
    if (a.reps > 0)
        return a.reps;
    if (a.quick)
        return a.sizeMiB >= 50 ? 1 : 3;
    return a.sizeMiB >= 50 ? 3 : 5;
}
inline int stallReps(const Args &a) { return a.reps > 0 ? a.reps : (a.quick ? 1 : 3); }
// Repetitions stop early once a run has spent this long (slow clients).
constexpr double kRepBudgetSeconds = 30;

// The sequential/pipelined echo params: {"s":"xxx..."}, exactly 100 bytes.
constexpr int kSmallParamsBytes = 100;
inline std::string smallString() { return std::string(kSmallParamsBytes - 8, 'x'); }

// ---- clocks and statistics -----------------------------------------------

inline double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// CPU time of the whole process (all threads), and of the calling thread.
inline double processCpuSeconds()
{
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}
inline double threadCpuSeconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

inline double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const std::size_t i = std::min(v.size() - 1, std::size_t(p / 100.0 * double(v.size())));
    return v[i];
}

inline double median(std::vector<double> v) { return percentile(std::move(v), 50); }

// ---- memory (Linux) --------------------------------------------------------

inline long statusKb(const char *key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::size_t n = std::strlen(key);
    while (std::getline(in, line)) {
        if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':')
            return std::atol(line.c_str() + n + 1);
    }
    return -1;
}
inline long peakRssKb() { return statusKb("VmHWM"); }
inline long rssKb() { return statusKb("VmRSS"); }
// Resets VmHWM to the current RSS (Linux >= 4.0), so a peak can be measured
// for one phase of the run. Returns false if the kernel refused.
inline bool resetPeakRss()
{
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return bool(out);
}

// ---- the result line -------------------------------------------------------

class Result
{
public:
    Result(const std::string &client, const Args &args)
    {
        add("client", client);
        add("workload", args.workload);
        add("size_mib", double(args.sizeMiB));
        add("quick", args.quick ? 1.0 : 0.0);
        if (!args.variant.empty())
            add("variant", args.variant);
    }
    Result &add(const std::string &key, double value)
    {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", value);
        m_fields.push_back("\"" + key + "\":" + buf);
        return *this;
    }
    Result &add(const std::string &key, const std::string &value)
    {
        std::string escaped;
        for (char c : value) {
            if (c == '"' || c == '\\')
                escaped += '\\';
            escaped += (c == '\n' ? ' ' : c);
        }
        m_fields.push_back("\"" + key + "\":\"" + escaped + "\"");
        return *this;
    }
    void print()
    {
        add("cpu_seconds", processCpuSeconds());
        std::string line = "BENCH {";
        for (std::size_t i = 0; i < m_fields.size(); ++i)
            line += (i ? "," : "") + m_fields[i];
        line += "}\n";
        std::fputs(line.c_str(), stdout);
        std::fflush(stdout);
    }

private:
    std::vector<std::string> m_fields;
};

// Standard figures, so every client reports the same keys.
inline void addThroughput(Result &r, long ops, double seconds)
{
    r.add("ops", double(ops)).add("seconds", seconds).add("rate", double(ops) / seconds);
}
inline void addLatencies(Result &r, const std::vector<double> &seconds)
{
    r.add("p50_us", percentile(seconds, 50) * 1e6).add("p99_us", percentile(seconds, 99) * 1e6);
}

[[noreturn]] inline void fail(const std::string &client, const Args &args, const std::string &why)
{
    Result r(client, args);
    r.add("error", why);
    r.print();
    std::exit(1);
}

} // namespace bench
