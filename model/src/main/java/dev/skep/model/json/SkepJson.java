package dev.skep.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * How skep writes and reads JSON, in one place: instants as ISO-8601 strings ("2025-01-01T10:00:00Z"), durations
 * as seconds (the API's {@code "interval": 5}; ISO "PT5S" is read too), null fields left out (null map values kept:
 * an env answer lists keys with hidden values), and unknown fields ignored (a newer skep may have added some).
 * Each use starts from {@link #builder()} and adds only what it needs on top: the API refuses unknown fields, the
 * monitor writes an app as "user/app" and durations as ISO strings.
 *
 * <p>Jackson is an optional dependency of model: modules that use this class declare it themselves.
 */
public final class SkepJson {

    /** The shared mapper with nothing added: thread-safe, do not reconfigure it. */
    public static final JsonMapper MAPPER = builder().build();

    private SkepJson() {
    }

    /** skep's configuration, for a mapper that adds to it. */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.ALWAYS));
    }
}
