package dev.skep.supervise;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes an instance's {@link LogPump} as soon as its capture files are written (inotify, through java.nio's watch
 * service: one for the agent, one watch per instance's run dir). A quiet app's pump parked up to a second between
 * looks, so a line it wrote after a quiet spell reached `skep logs -f` that much later, stamped with the time it was
 * read (a Fastify app's start-up lines, written at .031 s, were stamped .577 s). A watched pump parks up to 30 s, a
 * look in case a wake-up was lost; one whose watch could not be made (a host whose watches ran out) a second.
 */
final class LogWakeups implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogWakeups.class);

    private final WatchService watcher; // null: no watch service here, the pumps poll as before
    private final Map<WatchKey, Runnable> wakes = new ConcurrentHashMap<>();

    private LogWakeups(WatchService watcher) {
        this.watcher = watcher;
    }

    /** Starts the watch for one agent; without a watch service, one that wakes nobody (and says so). */
    static LogWakeups start(String agentId) {
        WatchService watcher;
        try {
            watcher = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("event=log.wakeups-off agent={} error=\"{}\" effect=\"a quiet app's new lines reach its log up to "
                    + "a second late\"", agentId, e.toString());
            return new LogWakeups(null);
        }
        LogWakeups wakeups = new LogWakeups(watcher);
        Thread.ofPlatform().daemon().name("log-wakeups-" + agentId).start(wakeups::loop);
        return wakeups;
    }

    /**
     * Wakes {@code pump} whenever a file in {@code dir} is written, until the returned handle is closed; tells the pump
     * so only when the watch is on (else it keeps looking every second).
     */
    AutoCloseable watch(Path dir, LogPump pump) {
        if (watcher == null) {
            return () -> { };
        }
        try {
            WatchKey key = dir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY);
            wakes.put(key, pump::wake);
            pump.wakesOnWrite();
            return () -> {
                wakes.remove(key);
                key.cancel();
            };
        } catch (IOException | ClosedWatchServiceException e) {
            log.debug("event=log.wakeup-not-watched dir={} error=\"{}\": its pump polls", dir, e.toString());
            return () -> { };
        }
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = watcher.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            key.pollEvents(); // which file does not matter: the pump reads both
            Runnable wake = wakes.get(key);
            if (wake != null) {
                wake.run();
            }
            key.reset();
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("event=log.wakeups-close-failed error=\"{}\"", e.toString());
            }
        }
    }
}
