package dev.skep.supervise;

import dev.skep.model.AppId;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the logs an agent keeps: the last lines of an instance (across rotated files), the last
 * lines of a whole app (its instances merged by timestamp), and a follow mode that polls the
 * active file and survives rotation. Lines look like {@code 2026-11-26T01:02:03.456Z stdout text}.
 */
public final class LogReader {

    private static final Logger log = LoggerFactory.getLogger(LogReader.class);
    private static final int STAMP_LENGTH = "2026-11-26T01:02:03.456Z".length();
    /** An instance's log or one of its rotated files: "ID.log", "ID.log.2". */
    private static final Pattern LOG_FILE = Pattern.compile("(.+)\\.log(\\.\\d+)?");

    private final AgentLayout layout;
    private final int filesKept;
    private final Duration pollEvery;

    /** Reads the logs of the agent configured so (it need not run in this process). */
    public LogReader(AgentConfig config) {
        this(new AgentLayout(config.dataDir()), config.logs().filesKept(), Duration.ofMillis(100));
    }

    public LogReader(AgentLayout layout, int filesKept, Duration pollEvery) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.filesKept = filesKept;
        this.pollEvery = Objects.requireNonNull(pollEvery, "pollEvery");
    }

    /** The last {@code lines} lines of one instance, oldest first; empty when it never logged here. */
    public List<String> tail(String instance, int lines) throws IOException {
        Path active = layout.logFile(instance);
        Deque<String> out = new ArrayDeque<>();
        for (int n = 0; n <= filesKept && out.size() < lines; n++) {
            Path file = n == 0 ? active : RotatingLog.rotated(active, n);
            List<String> chunk = tailOf(file, lines - out.size());
            for (int i = chunk.size() - 1; i >= 0; i--) {
                out.addFirst(chunk.get(i));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The last {@code lines} lines of all instances of an app this agent kept logs for, merged by
     * timestamp, as {@code 2026-11-26T01:02:03.456Z alice.shop.3.a1b2c3 stdout text}.
     */
    public List<String> tail(AppId app, int lines) throws IOException {
        List<String> merged = new ArrayList<>();
        Path dir = layout.appLogDir(app);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // the instances are named by their rotated files too: a rotation renames "ID.log" before it makes a new one,
        // and an app whose every instance was listed in that moment would read as having no log at all
        Set<String> instances = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log*")) {
            for (Path file : files) {
                Matcher m = LOG_FILE.matcher(file.getFileName().toString());
                if (m.matches()) {
                    instances.add(m.group(1));
                }
            }
        }
        for (String instance : instances) {
            for (String line : tail(instance, lines)) {
                merged.add(withInstance(line, instance));
            }
        }
        merged.sort(Comparator.comparing(LogReader::stamp)); // stable: each instance's order is kept
        return List.copyOf(merged.subList(Math.max(0, merged.size() - lines), merged.size()));
    }

    /**
     * Calls {@code sink} with every line appended to an instance's log from now on, on a virtual
     * thread, until closed. Follows the active file through rotation.
     */
    public Closeable follow(String instance, Consumer<String> sink) {
        Follower follower = new Follower(layout.logFile(instance), sink);
        Thread thread = Thread.ofVirtual().name("log-follow-" + instance).start(follower);
        return () -> {
            follower.closed = true;
            thread.interrupt();
        };
    }

    private static String stamp(String line) {
        return line.length() >= STAMP_LENGTH ? line.substring(0, STAMP_LENGTH) : line;
    }

    private static String withInstance(String line, String instance) {
        if (line.length() <= STAMP_LENGTH) {
            return line;
        }
        return line.substring(0, STAMP_LENGTH) + " " + instance + line.substring(STAMP_LENGTH);
    }

    /** The last n lines of a file, read backwards in blocks; empty when the file does not exist. */
    static List<String> tailOf(Path file, int n) throws IOException {
        if (n <= 0 || !Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long end = completeLinesEnd(raf);
            long start = end;
            int newlines = 0;
            byte[] block = new byte[8192];
            // count n+1 newlines from the end (the last byte is usually a newline itself)
            while (start > 0 && newlines <= n) {
                int len = (int) Math.min(block.length, start);
                start -= len;
                raf.seek(start);
                raf.readFully(block, 0, len);
                for (int i = len - 1; i >= 0; i--) {
                    if (block[i] == '\n' && ++newlines > n) {
                        start += i + 1;
                        break;
                    }
                }
            }
            byte[] bytes = new byte[(int) (end - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (NoSuchFileException rotatedAway) {
            return List.of();
        }
    }

    /** Where the file's last whole line ends: a line without its newline is still being written. */
    private static long completeLinesEnd(RandomAccessFile raf) throws IOException {
        long end = raf.length();
        byte[] block = new byte[4096];
        while (end > 0) {
            int len = (int) Math.min(block.length, end);
            raf.seek(end - len);
            raf.readFully(block, 0, len);
            for (int i = len - 1; i >= 0; i--) {
                if (block[i] == '\n') {
                    return end - len + i + 1;
                }
            }
            end -= len;
        }
        return 0;
    }

    /** Polls one log file; reopens it when rotation replaced it. */
    private final class Follower implements Runnable {
        private final Path file;
        private final LineAssembler lines;
        private volatile boolean closed;

        Follower(Path file, Consumer<String> sink) {
            this.file = file;
            this.lines = new LineAssembler(sink);
        }

        @Override
        public void run() {
            FileChannel channel = null;
            Object key = null;
            long position = 0;
            boolean fromNow = true;
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (!closed) {
                    if (channel == null) {
                        Opened first = openActive();
                        if (first != null) {
                            if (!fromNow) {
                                // the last rotation found no active file: any file that became active and
                                // was rotated again before this open is read whole first, never skipped
                                catchUp(key, first.key(), buffer);
                            }
                            channel = first.channel();
                            key = first.key();
                            // the first file: follow from now (tail() gives the past); after a rotation: all of it
                            position = fromNow ? channel.size() : 0;
                        }
                    }
                    boolean progressed = false;
                    if (channel != null) {
                        if (channel.size() < position) {
                            position = 0;
                        }
                        int n;
                        while ((n = channel.read(buffer.clear(), position)) > 0) {
                            position += n;
                            progressed = true;
                            lines.feed(buffer.array(), n);
                        }
                        Object now = Files.exists(file) ? fileKey(file) : null;
                        if (now != null && !now.equals(key)) { // rotated: finish the old file, then switch
                            while ((n = channel.read(buffer.clear(), position)) > 0) {
                                position += n;
                                lines.feed(buffer.array(), n);
                            }
                            channel.close();
                            channel = null;
                            // open the new file before catching up: a rotation meanwhile then leaves
                            // the files newer than it for the next turn, never read twice or skipped
                            Opened next = openActive();
                            Object lastRead = catchUp(key, next == null ? null : next.key(), buffer);
                            if (next != null) {
                                channel = next.channel();
                                key = next.key();
                            } else {
                                key = lastRead; // where the next open's catch-up starts
                            }
                            position = 0;
                            fromNow = false;
                            progressed = true;
                        }
                    }
                    if (!progressed) {
                        Thread.sleep(pollEvery.toMillis());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    log.warn("event=log.follow-stopped file={} error=\"{}\"", file, e.toString());
                }
            } finally {
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // read-only channel
                    }
                }
            }
        }

        /** The active file and the key it had when opened (checked on both sides of the open). */
        private Opened openActive() throws IOException {
            for (int attempt = 0; attempt < 10; attempt++) {
                Object before = fileKey(file);
                if (before == null) {
                    return null;
                }
                FileChannel opened;
                try {
                    opened = FileChannel.open(file, StandardOpenOption.READ);
                } catch (NoSuchFileException rotatingNow) {
                    continue;
                }
                if (before.equals(fileKey(file))) {
                    return new Opened(opened, before);
                }
                opened.close(); // rotated between the two looks: which file we hold is unknown
            }
            return null;
        }

        /**
         * Several rotations between two polls: read the whole files rotated after the one we had and
         * before {@code upTo}, the file now open (null: none open, read all newer kept files).
         * Returns the key of the newest file it read whole ({@code oldKey} when none).
         */
        private Object catchUp(Object oldKey, Object upTo, ByteBuffer buffer) throws IOException {
            Object lastRead = oldKey;
            int found = 0;
            for (int n = 1; n <= filesKept && found == 0; n++) {
                if (oldKey.equals(fileKey(RotatingLog.rotated(file, n)))) {
                    found = n;
                }
            }
            if (found == 0) {
                found = filesKept + 1; // ours was rotated out entirely: every kept file is newer
            }
            for (int n = found - 1; n >= 1; n--) {
                if (upTo != null && upTo.equals(fileKey(RotatingLog.rotated(file, n)))) {
                    return lastRead; // the open file itself, rotated meanwhile: its channel reads it
                }
                try (FileChannel between = FileChannel.open(RotatingLog.rotated(file, n), StandardOpenOption.READ)) {
                    lastRead = fileKey(RotatingLog.rotated(file, n));
                    long position = 0;
                    int read;
                    while ((read = between.read(buffer.clear(), position)) > 0) {
                        position += read;
                        lines.feed(buffer.array(), read);
                    }
                } catch (NoSuchFileException gone) {
                    // rotated out of the kept set meanwhile: those lines are beyond reach
                }
            }
            return lastRead;
        }

        private static Object fileKey(Path file) throws IOException {
            if (!Files.exists(file)) {
                return null;
            }
            try {
                return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            } catch (NoSuchFileException gone) {
                return null;
            }
        }
    }

    private record Opened(FileChannel channel, Object key) {}
}
