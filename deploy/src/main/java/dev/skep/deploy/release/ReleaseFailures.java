package dev.skep.deploy.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skep.model.json.SkepJson;
import dev.skep.model.AppDocuments;
import dev.skep.model.AppId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why an app's releases failed, in its "release-failures" document. A failed release is kept (so its number is
 * never handed out again) and marked here with the reason and its last log lines, for the release list and for
 * rollbacks that must not pick it.
 */
public final class ReleaseFailures {

    public static final String DOCUMENT = "release-failures";
    /** Failures kept per app: the newest; older releases are pruned anyway. */
    static final int KEPT = 20;
    private static final ObjectMapper MAPPER = SkepJson.MAPPER;
    private static final TypeReference<TreeMap<Integer, Failure>> TYPE = new TypeReference<>() {
    };
    private static final Logger log = LoggerFactory.getLogger(ReleaseFailures.class);

    /** @param at ISO-8601 time of the failure */
    public record Failure(String reason, List<String> lastLines, String at) {
        public Failure {
            lastLines = lastLines == null ? List.of() : List.copyOf(lastLines);
        }
    }

    private final AppDocuments documents;

    public ReleaseFailures(AppDocuments documents) {
        this.documents = documents;
    }

    public void record(AppId app, int release, Failure failure) {
        try {
            documents.update(app, DOCUMENT, now -> {
                TreeMap<Integer, Failure> all = parse(now);
                all.put(release, failure);
                while (all.size() > KEPT) {
                    all.pollFirstEntry();
                }
                return Optional.of(write(all));
            });
        } catch (RuntimeException e) { // the deploy's answer and event still say why
            log.warn("event=release.failure-not-recorded app={} release={} error=\"{}\"", app, release, e.getMessage());
        }
    }

    /** Failed releases by number; empty when none or unreadable. */
    public Map<Integer, Failure> of(AppId app) {
        try {
            return parse(documents.get(app, DOCUMENT));
        } catch (RuntimeException e) {
            log.warn("event=release.failures-unreadable app={} error=\"{}\"", app, e.getMessage());
            return Map.of();
        }
    }

    private static TreeMap<Integer, Failure> parse(Optional<String> json) {
        if (json.isEmpty()) {
            return new TreeMap<>();
        }
        try {
            return MAPPER.readValue(json.get(), TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("release failures are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(Map<Integer, Failure> all) {
        try {
            return MAPPER.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write release failures", e);
        }
    }
}
