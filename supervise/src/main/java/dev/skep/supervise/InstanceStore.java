package dev.skep.supervise;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skep.model.json.SkepJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Instance records in {@code {dataDir}/instances/{instance}.json}, each written atomically. */
public final class InstanceStore {

    private static final Logger log = LoggerFactory.getLogger(InstanceStore.class);

    static final ObjectMapper JSON = SkepJson.MAPPER;

    private final AgentLayout layout;
    private volatile OrphanWatchdog orphans;

    public InstanceStore(AgentLayout layout) {
        this.layout = layout;
    }

    /** Every record saved is watched by {@code watchdog} (its process stops if the agent is gone), until deleted. */
    void watchedBy(OrphanWatchdog watchdog) {
        this.orphans = watchdog;
    }

    /** Writes to a temp file, then renames it over the record: a reader sees the old or the new one. */
    public void save(InstanceRecord record) {
        Path target = layout.record(record.instance());
        try {
            Path temp = Files.createTempFile(target.getParent(), ".tmp-", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(temp, JSON.writeValueAsBytes(record));
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            OrphanWatchdog watchdog = orphans;
            if (watchdog != null) {
                watchdog.watch(record.instance(), record.pid(), record.startTime());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write instance record " + target + ": " + e.getMessage(), e);
        }
    }

    public void delete(String instance) {
        OrphanWatchdog watchdog = orphans;
        if (watchdog != null) {
            watchdog.unwatch(instance);
        }
        try {
            Files.deleteIfExists(layout.record(instance));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete instance record of " + instance + ": " + e.getMessage(), e);
        }
    }

    /** Every readable record; unreadable ones are logged and skipped (and left for an operator). */
    public List<InstanceRecord> loadAll() {
        List<InstanceRecord> out = new ArrayList<>();
        if (!Files.isDirectory(layout.instances())) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.instances(), "*.json")) {
            for (Path file : files) {
                if (file.getFileName().toString().startsWith(".tmp-")) {
                    Files.deleteIfExists(file);
                    continue;
                }
                try {
                    out.add(JSON.readValue(file.toFile(), InstanceRecord.class));
                } catch (IOException | RuntimeException e) {
                    log.error("event=instance.record-unreadable file={} error=\"{}\" effect=\"its process, if any, is not "
                            + "re-adopted\" fix=\"inspect and delete the file\"", file, e.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + layout.instances() + ": " + e.getMessage(), e);
        }
        return out;
    }
}
