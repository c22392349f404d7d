package dev.skep.supervise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails an instance's raw stdout/stderr capture files on a virtual thread, writes each line to the
 * instance's {@link RotatingLog} as {@code 2026-11-26T01:02:03.456Z stdout text}, and truncates a raw
 * file once more than {@link LogPolicy#rawTruncateBytes()} of it was consumed.
 *
 * <p>The app writes the raw files in append mode (O_APPEND), so after a truncation its next write
 * lands at offset 0. Loss window: bytes the app writes between the pump's last read and the
 * truncation are lost; that is a few microseconds per truncation. When the app writes faster than
 * the pump keeps up and the unread backlog exceeds {@link LogPolicy#maxBytes()} (checked every 32 KiB
 * read), the backlog is dropped and a line says how much: a chatty app cannot fill the disk. The
 * raw file's peak size is then the app's write rate times the pump's scheduling delay (tens of
 * MB at worst for a tight synchronous write loop on a starved host), not growing over time.
 *
 * <p>The pump polls: every 25 ms while the app writes, backing off while it is quiet to once a second, or to every
 * 30 s when writes to the capture files wake it ({@link #wake()}, see {@link LogWakeups}; 100 quiet instances cost a
 * few wake-ups a second, not 100 or 4,000); {@link #awaitCaughtUp} and {@link #close()} wake it at once too.
 *
 * <p>After an agent restart a new pump starts at offset 0 of the raw files; lines consumed by the
 * previous pump and not yet truncated (less than rawTruncateBytes) then appear twice. A clean
 * {@link #close()} reads to the end and truncates, so only a killed agent causes that.
 *
 * <p>A log that cannot be written (its disk full) does not stop the pump: the lines read but not written wait in
 * memory (one round at most: nothing more is read meanwhile), the rest waits in the capture files, and each pass
 * tries again, so once there is room nothing the capture files held is lost ({@code event=log.write-failed}, then
 * {@code event=log.write-resumed}). What the app writes while the capture file's own disk is full is refused to
 * it by the kernel.
 */
public final class LogPump implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogPump.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int CHUNK = 32 * 1024;
    private static final int MAX_LINE = 16 * 1024;
    private static final long IDLE_MILLIS = 25;
    /** A quiet app's pump looks less and less often (x2 per empty pass), down to once a second. */
    private static final long MAX_IDLE_MILLIS = 1000;
    /**
     * The same while writes to the capture files wake it ({@link #wakesOnWrite()}): a look now and then only in case
     * a wake-up was lost (100 quiet instances woke their pumps 100 times a second for nothing).
     */
    private static final long MAX_IDLE_WOKEN_MILLIS = 30_000;
    private static final long ROUND_BYTES = 512 * 1024;

    private final String instance;
    private final List<Source> sources;
    private final RotatingLog out;
    private final LogPolicy policy;
    private final Clock clock;
    private volatile boolean closing;
    private volatile long maxIdleMillis = MAX_IDLE_MILLIS;
    private Thread thread;
    /** Lines read but not yet written to {@link #out}: only while it fails (pump thread only). */
    private final ArrayDeque<String> unwritten = new ArrayDeque<>();
    /** Whether the last write or flush to {@link #out} failed (pump thread only). */
    private boolean failing;

    public LogPump(String instance, Path stdout, Path stderr, RotatingLog out, LogPolicy policy, Clock clock) {
        this.instance = instance;
        this.sources = List.of(new Source("stdout", stdout), new Source("stderr", stderr));
        this.out = out;
        this.policy = policy;
        this.clock = clock;
    }

    /** Formats one captured line the way it is stored. */
    public static String format(Instant time, String stream, String text) {
        return STAMP.format(time) + " " + stream + " " + text;
    }

    private volatile long passes;

    /**
     * Waits (at most {@code max}) until what the process has written so far is in the log, so a
     * report of its death can quote its last words.
     */
    public void awaitCaughtUp(Duration max) {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return;
        }
        long target = passes + 2; // the pass under way may have read before the last write
        long deadline = System.nanoTime() + max.toNanos();
        while (passes < target && System.nanoTime() < deadline && t.isAlive()) {
            LockSupport.unpark(t);
            LockSupport.parkNanos(200_000);
        }
    }

    /** Writes to the capture files wake it ({@link #wake()}, see {@link LogWakeups}): a quiet pump may park long. */
    public void wakesOnWrite() {
        maxIdleMillis = MAX_IDLE_WOKEN_MILLIS;
    }

    /** Something was written to the capture files: look now rather than at the end of the idle park. */
    public void wake() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("log-pump-" + instance).start(this::loop);
        }
    }

    /** Reads what is left, truncates the raw files, stops. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t); // it may be in a long idle park
            t.join();
        }
        try {
            out.close();
        } catch (IOException e) {
            log.warn("event=log.close-failed instance={} error=\"{}\"", instance, e.toString());
        }
    }

    private void loop() {
        long idle = IDLE_MILLIS;
        try {
            while (true) {
                boolean stop = closing;
                long read = 0;
                if (writeUnwritten()) { // nothing is read while the log cannot take it: the capture files hold it
                    for (Source source : sources) {
                        read += source.pump(stop);
                    }
                    flush();
                }
                passes++;
                if (stop) {
                    if (failing) {
                        log.error("event=log.lines-lost instance={} lines={} reason=\"the log could not be written when "
                                + "the instance stopped\"", instance, unwritten.size());
                    }
                    return;
                }
                if (failing) {
                    read = 0; // wait as a quiet pump does before trying again, a second at most: room comes unannounced
                    idle = Math.min(idle, MAX_IDLE_MILLIS);
                }
                if (read == 0) {
                    LockSupport.parkNanos(idle * 1_000_000L);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    idle = Math.min(maxIdleMillis, idle * 2);
                } else {
                    idle = IDLE_MILLIS;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.error("event=log.pump-stopped instance={} error=\"{}\" effect=\"the instance keeps running, its output "
                    + "is no longer captured\" fix=\"restart the instance\"", instance, e.toString());
        } finally {
            for (Source source : sources) {
                source.closeQuietly();
            }
        }
    }

    /** Writes one line to the log, or keeps it when the log cannot take it (or still holds lines back). */
    private void write(String line) {
        if (!unwritten.isEmpty()) {
            unwritten.add(line);
            return;
        }
        try {
            out.append(line);
        } catch (IOException e) {
            unwritten.add(line);
            failed(e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Tries the lines held back, then a flush; whether the log took them all (and reading may go on). */
    private boolean writeUnwritten() {
        if (!failing) {
            return true;
        }
        try {
            out.flush(); // what the log's buffer kept from the failed flush goes first
            while (!unwritten.isEmpty()) {
                out.append(unwritten.peekFirst());
                unwritten.removeFirst();
            }
            out.flush();
        } catch (IOException e) {
            return false;
        }
        failing = false;
        log.info("event=log.write-resumed instance={}", instance);
        return true;
    }

    private void failed(IOException e) {
        if (!failing) {
            log.error("event=log.write-failed instance={} log={} error=\"{}\" effect=\"the app's output waits in its "
                    + "capture files until the log can be written; nothing more is read meanwhile\" fix=\"free space "
                    + "on the data dir's disk\"", instance, out.file(), e.toString());
        }
        failing = true;
    }

    /** One raw capture file and the position read so far. */
    private final class Source {
        private final String stream;
        private final Path path;
        private final LineAssembler lines = new LineAssembler(this::emit);
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        private FileChannel channel;
        private long position;

        Source(String stream, Path path) {
            this.stream = stream;
            this.path = path;
        }

        /** Reads all new bytes; returns how many. */
        long pump(boolean last) throws IOException {
            if (channel == null) {
                if (!Files.exists(path)) {
                    return 0;
                }
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            long total = 0;
            boolean eof = false;
            while (total < ROUND_BYTES) {
                long size = channel.size();
                if (size < position) {
                    position = 0; // truncated by someone else
                }
                if (size - position > policy.maxBytes()) {
                    drop(size - position);
                    return total + 1;
                }
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    eof = true;
                    break;
                }
                position += n;
                total += n;
                lines.feed(buffer.array(), n);
                if (lines.pendingBytes() > MAX_LINE) {
                    lines.flush();
                }
            }
            if (last && lines.pendingBytes() > 0) {
                lines.flush();
            }
            if (eof && (position >= policy.rawTruncateBytes() || (last && position > 0))) {
                channel.truncate(0);
                position = 0;
            }
            return total;
        }

        /** The app writes faster than we keep: drop the backlog, say so in the log. */
        private void drop(long dropped) throws IOException {
            channel.truncate(0);
            position = 0;
            lines.discard();
            write(format(clock.instant(), stream,
                    "[skep: dropped " + dropped + " bytes of output: the app writes faster than logs are kept]"));
        }

        private void emit(String text) {
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            write(format(clock.instant(), stream, text));
        }

        void closeQuietly() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a read channel cannot lose data
                }
            }
        }
    }
}
