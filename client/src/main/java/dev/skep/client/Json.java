package dev.skep.client;

import java.lang.reflect.InvocationTargetException;
import dev.skep.model.json.ListOf;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The client's JSON: the API's view records and plain values, read and written by
 * {@link JsonParser} and {@link JsonBinder}. The CLI starts a JVM per command, and a Jackson
 * ObjectMapper costs it ~200 ms of CPU before the first answer is read; this costs a few.
 * Written like the server's mapper: record components by name, nulls left out, instants as ISO-8601.
 * Why it stays (with {@link Http1Client}): the figures of bench/cli/run.sh are in that class's comment.
 */
public final class Json {

    private Json() {
    }

    /** Reads a UTF-8 JSON text as the given type (a class, or {@link #listOf}). */
    static <T> T read(byte[] json, Type type) throws JsonException {
        Object tree = JsonParser.parse(new String(json, StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        T value = (T) JsonBinder.bind(tree, type, "the answer");
        return value;
    }

    /** A JSON text as maps, lists, strings, numbers, booleans and nulls (for the CLI reading package.json). */
    public static Object parse(String text) throws JsonException {
        return JsonParser.parse(text);
    }

    /** The type {@code List<element>}. */
    static Type listOf(Class<?> element) {
        return new ListOf(element);
    }

    /** Records, maps, collections, strings, numbers, booleans and instants, as UTF-8 JSON. */
    public static byte[] write(Object value) {
        StringBuilder out = new StringBuilder(128);
        write(value, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String || value instanceof Instant) {
            string(value.toString(), out);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            out.append(number);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() != null) {
                    first = field(String.valueOf(entry.getKey()), entry.getValue(), first, out);
                }
            }
            out.append('}');
        } else if (value instanceof Collection<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                out.append(first ? "" : ",");
                first = false;
                write(item, out);
            }
            out.append(']');
        } else if (value instanceof Record) {
            out.append('{');
            boolean first = true;
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                Object field = component(value, component);
                if (field != null) {
                    first = field(component.getName(), field, first, out);
                }
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static boolean field(String name, Object value, boolean first, StringBuilder out) {
        out.append(first ? "" : ",");
        string(name, out);
        out.append(':');
        write(value, out);
        return false;
    }

    private static Object component(Object record, RecordComponent component) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("cannot read " + component + " of " + record.getClass().getName(), e);
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
