// Raw-pipe baseline: the physical limit of talking to the backend over its
// stdin/stdout. fork/exec, pre-built request lines, poll(), and replies are
// only counted ('\n' per message), never parsed or kept. No Qt, no JSON.

#include "benchcommon.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const char *const kClient = "rawpipe";
bench::Args g_args;

[[noreturn]] void die(const std::string &why)
{
    bench::fail(kClient, g_args, why + (errno ? std::string(": ") + std::strerror(errno) : std::string()));
}

class Pipe
{
public:
    explicit Pipe(const std::string &program)
    {
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
            die("pipe2");
        m_pid = ::fork();
        if (m_pid < 0)
            die("fork");
        if (m_pid == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            const int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 2);
            ::execl(program.c_str(), program.c_str(), "--management", static_cast<char *>(nullptr));
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        m_in = in[1];
        m_out = out[0];
        m_buffer.resize(256 * 1024);
        // The first line is the ready event.
        if (readLines(1) != 1)
            die("no ready event");
    }
    ~Pipe()
    {
        ::close(m_in);
        ::close(m_out);
        ::waitpid(m_pid, nullptr, 0);
    }

    // Blocking write of all of `data`.
    void writeAll(const char *data, std::size_t size)
    {
        while (size > 0) {
            const ssize_t n = ::write(m_in, data, size);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                die("write");
            data += n;
            size -= std::size_t(n);
        }
    }

    // Reads until `lines` newlines were seen (blocking). Returns the number seen.
    long readLines(long lines)
    {
        long seen = 0;
        while (seen < lines)
            seen += readSome();
        return seen;
    }

    // Writes `data` and reads `lines` newlines concurrently (poll), so that
    // neither pipe fills up and deadlocks. `onTick` runs whenever `tickSeconds`
    // elapsed (a timer on this thread), if set.
    template <typename Tick>
    void exchange(const std::string &data, long lines, double tickSeconds, Tick onTick)
    {
        ::fcntl(m_in, F_SETFL, ::fcntl(m_in, F_GETFL) | O_NONBLOCK);
        std::size_t written = 0;
        long seen = 0;
        double nextTick = bench::now() + tickSeconds;
        while (seen < lines) {
            pollfd fds[2] = {{m_out, POLLIN, 0}, {m_in, POLLOUT, 0}};
            const nfds_t count = written < data.size() ? 2 : 1;
            int timeoutMs = -1;
            if (tickSeconds > 0)
                timeoutMs = std::max(0, int((nextTick - bench::now()) * 1000 + 0.999));
            if (::poll(fds, count, timeoutMs) < 0 && errno != EINTR)
                die("poll");
            if (fds[0].revents)
                seen += readSome();
            if (count == 2 && fds[1].revents) {
                const ssize_t n = ::write(m_in, data.data() + written, data.size() - written);
                if (n < 0 && errno != EAGAIN && errno != EINTR)
                    die("write");
                if (n > 0)
                    written += std::size_t(n);
            }
            if (tickSeconds > 0 && bench::now() >= nextTick) {
                onTick();
                nextTick = bench::now() + tickSeconds;
            }
        }
        ::fcntl(m_in, F_SETFL, ::fcntl(m_in, F_GETFL) & ~O_NONBLOCK);
    }
    void exchange(const std::string &data, long lines)
    {
        exchange(data, lines, 0, [] {});
    }

    std::uint64_t bytesRead() const { return m_bytesRead; }

private:
    long readSome()
    {
        const ssize_t n = ::read(m_out, m_buffer.data(), m_buffer.size());
        if (n < 0 && errno == EINTR)
            return 0;
        if (n <= 0)
            die("read (backend gone?)");
        m_bytesRead += std::uint64_t(n);
        long lines = 0;
        const char *p = m_buffer.data();
        const char *end = p + n;
        while ((p = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p))))) {
            ++lines;
            ++p;
        }
        return lines;
    }

    pid_t m_pid = -1;
    int m_in = -1;
    int m_out = -1;
    std::vector<char> m_buffer;
    std::uint64_t m_bytesRead = 0;
};

std::string echoLine(long id, const std::string &s)
{
    return "{\"id\":\"" + std::to_string(id) + "\",\"method\":\"echo\",\"params\":{\"s\":\"" + s + "\"}}\n";
}

} // namespace

int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    g_args = bench::parseArgs(argc, argv, DEMO_BACKEND_PATH);
    const bench::Args &args = g_args;
    bench::Result result(kClient, args);
    Pipe pipe(args.backend);

    if (args.workload == "seq") {
        // Pre-built lines, one per request.
        const long n = bench::seqCount(args), warm = bench::seqWarmup();
        std::vector<std::string> lines;
        for (long i = 0; i < n + warm; ++i)
            lines.push_back(echoLine(i + 1, bench::smallString()));
        std::vector<double> latencies;
        latencies.reserve(std::size_t(n));
        double start = 0;
        for (long i = 0; i < n + warm; ++i) {
            if (i == warm)
                start = bench::now();
            const double t0 = bench::now();
            pipe.writeAll(lines[std::size_t(i)].data(), lines[std::size_t(i)].size());
            pipe.readLines(1);
            if (i >= warm)
                latencies.push_back(bench::now() - t0);
        }
        bench::addThroughput(result, n, bench::now() - start);
        bench::addLatencies(result, latencies);
    } else if (args.workload == "pipelined") {
        const long n = bench::pipelinedCount(args);
        std::string all;
        for (long i = 0; i < n; ++i)
            all += echoLine(i + 1, bench::smallString());
        const double t0 = bench::now();
        pipe.exchange(all, n);
        bench::addThroughput(result, n, bench::now() - t0);
    } else if (args.workload == "stream") {
        const long n = bench::streamCount(args);
        const std::string line =
            "{\"id\":\"1\",\"method\":\"count\",\"params\":{\"n\":" + std::to_string(n) + ",\"delayMs\":0}}\n";
        const double t0 = bench::now();
        pipe.writeAll(line.data(), line.size());
        pipe.readLines(n + 1);  // n chunks, then the final response
        bench::addThroughput(result, n, bench::now() - t0);
    } else if (args.workload == "echo") {
        const long bytes = bench::echoStringBytes(args);
        const std::string line = echoLine(1, std::string(std::size_t(bytes), 'x'));
        bench::resetPeakRss();
        std::vector<double> times;
        const double begin = bench::now(), cpu0 = bench::processCpuSeconds();
        for (int r = 0; r < bench::echoReps(args) && bench::now() - begin < bench::kRepBudgetSeconds; ++r) {
            const std::uint64_t before = pipe.bytesRead();
            const double t0 = bench::now();
            pipe.exchange(line, 1);
            times.push_back(bench::now() - t0);
            if (pipe.bytesRead() - before < std::uint64_t(bytes))
                die("short echo reply");
        }
        result.add("bytes", double(bytes)).add("reps", double(times.size()));
        result.add("cpu_ms_per_rep", (bench::processCpuSeconds() - cpu0) / double(times.size()) * 1e3);
        result.add("seconds", bench::median(times)).add("seconds_min", *std::min_element(times.begin(), times.end()));
        result.add("peak_rss_kb", double(bench::peakRssKb()));
    } else if (args.workload == "stall") {
        // A "1 ms timer" on this thread: the poll loop wakes every millisecond
        // and records the gap since the last tick; reading happens in between.
        const std::string line = "{\"id\":\"1\",\"method\":\"big\",\"params\":{\"bytes\":" +
                                 std::to_string(bench::kStallBytes) + "}}\n";
        std::vector<double> worst, mainCpu;  // per rep: worst timer gap, main-thread CPU time
        const double begin = bench::now();
        for (int r = 0; r < bench::stallReps(args) && bench::now() - begin < bench::kRepBudgetSeconds; ++r) {
            double last = bench::now(), maxGap = 0;
            const double cpu0 = bench::threadCpuSeconds();
            const double t0 = last;
            pipe.exchange(line, 1, 0.001, [&] {
                const double t = bench::now();
                maxGap = std::max(maxGap, t - last);
                last = t;
            });
            maxGap = std::max(maxGap, bench::now() - last);
            worst.push_back(maxGap);
            mainCpu.push_back(bench::threadCpuSeconds() - cpu0);
            result.add("seconds_" + std::to_string(r), bench::now() - t0);
        }
        result.add("max_gap_ms", bench::median(worst) * 1e3)
            .add("max_gap_ms_worst", *std::max_element(worst.begin(), worst.end()) * 1e3)
            .add("main_cpu_ms", bench::median(mainCpu) * 1e3);
    } else {
        die("unknown workload " + args.workload);
    }
    result.add("hwm_kb", double(bench::peakRssKb()));
    result.print();
    return 0;
}
