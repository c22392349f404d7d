package dev.skep.monitor.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skep.model.Event;
import dev.skep.monitor.support.MonitorJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of the event log: {@code events-000000000001.jsonl}, one JSON event per line, appended in order.
 * Each open starts a new segment (a crash may have cut the last line of the previous one). Old segments are
 * deleted whole. Used by one thread at a time: the constructor, then the log's writer.
 */
final class SegmentStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentStore.class);
    private static final Pattern NAME = Pattern.compile("events-(\\d{12})\\.jsonl");

    private record Segment(long seq, Path path, int lines, Instant newest) {
    }

    private final Path dir;
    private final ObjectMapper json = MonitorJson.mapper();
    private final Deque<Segment> closedSegments = new ArrayDeque<>();
    private long currentSeq;
    private BufferedWriter current;
    private int currentLines;
    private Instant currentNewest = Instant.EPOCH;

    SegmentStore(Path dir) {
        this.dir = dir;
    }

    /** Reads every segment in order, skipping unreadable lines; leaves a new empty segment open. */
    List<Event> load() {
        try {
            Files.createDirectories(dir);
            List<Event> events = new ArrayList<>();
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
            }
            long maxSeq = 0;
            for (Path file : files) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                m.matches();
                long seq = Long.parseLong(m.group(1));
                maxSeq = Math.max(maxSeq, seq);
                int lines = 0;
                Instant newest = Instant.EPOCH;
                int bad = 0;
                try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.isBlank()) {
                            continue;
                        }
                        try {
                            Event event = json.readValue(line, Event.class);
                            events.add(event);
                            lines++;
                            if (event.time() != null && event.time().isAfter(newest)) {
                                newest = event.time();
                            }
                        } catch (IOException | RuntimeException e) {
                            bad++;
                        }
                    }
                }
                if (bad > 0) {
                    LOG.warn("event=events.lines-skipped file={} lines={} why=\"unreadable (a crash may cut the last one)\"",
                            file, bad);
                }
                closedSegments.addLast(new Segment(seq, file, lines, newest));
            }
            currentSeq = maxSeq;
            startSegment();
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event log in " + dir, e);
        }
    }

    /** Appends events; the caller flushes with {@link #flush()} after a batch. */
    void append(Event event, int segmentEvents) throws IOException {
        if (currentLines >= segmentEvents) {
            rotate();
        }
        current.write(json.writeValueAsString(event));
        current.write('\n');
        currentLines++;
        if (event.time() != null && event.time().isAfter(currentNewest)) {
            currentNewest = event.time();
        }
    }

    void flush() throws IOException {
        current.flush();
    }

    /** Deletes the oldest closed segments while the rest still hold maxEvents, or while they are all too old. */
    void retain(int maxEvents, Instant oldestKept) {
        int total = currentLines + closedSegments.stream().mapToInt(Segment::lines).sum();
        while (!closedSegments.isEmpty()) {
            Segment oldest = closedSegments.peekFirst();
            boolean surplus = total - oldest.lines() >= maxEvents;
            boolean expired = oldest.newest().isBefore(oldestKept);
            if (!surplus && !expired) {
                break;
            }
            try {
                Files.deleteIfExists(oldest.path());
            } catch (IOException e) {
                LOG.warn("event=events.segment-not-deleted path={} error=\"{}\" next=retry", oldest.path(),
                        e.toString());
                return;
            }
            closedSegments.pollFirst();
            total -= oldest.lines();
        }
    }

    private void rotate() throws IOException {
        current.close();
        closedSegments.addLast(new Segment(currentSeq, segmentPath(currentSeq), currentLines, currentNewest));
        startSegment();
    }

    private void startSegment() throws IOException {
        currentSeq++;
        currentLines = 0;
        currentNewest = Instant.EPOCH;
        current = Files.newBufferedWriter(segmentPath(currentSeq), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private Path segmentPath(long seq) {
        return dir.resolve(String.format("events-%012d.jsonl", seq));
    }

    int segmentCount() {
        return closedSegments.size() + 1;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            if (currentLines == 0) {
                Files.deleteIfExists(segmentPath(currentSeq));
            }
        }
    }
}
