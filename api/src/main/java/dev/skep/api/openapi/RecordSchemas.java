package dev.skep.api.openapi;

import dev.skep.model.json.ListOf;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON schemas read off the records the API reads and writes, so a field added to a view is documented without
 * anyone remembering to: a record becomes a named component, its components its properties (a primitive one is
 * required, since the API leaves only nulls out), durations are seconds, times ISO-8601.
 */
final class RecordSchemas {

    /** The named schemas met so far, by component name (a nested record: {@code Outer.Inner}). */
    private final Map<String, Object> components = new TreeMap<>();

    Map<String, Object> components() {
        return components;
    }

    /** The schema of a value of this type: inline for plain values, a {@code $ref} for a record. */
    Map<String, Object> of(Type type) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Collection.class.isAssignableFrom(raw)) {
                return Map.of("type", "array", "items", of(p.getActualTypeArguments()[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return Map.of("type", "object", "additionalProperties", of(p.getActualTypeArguments()[1]));
            }
            return of(raw);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class || c == char.class || c == Character.class) {
            return Map.of("type", "string");
        }
        if (c == int.class || c == Integer.class || c == short.class || c == Short.class) {
            return Map.of("type", "integer", "format", "int32");
        }
        if (c == long.class || c == Long.class) {
            return Map.of("type", "integer", "format", "int64");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return Map.of("type", "number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return Map.of("type", "boolean");
        }
        if (c == Instant.class) {
            return Map.of("type", "string", "format", "date-time");
        }
        if (c == Duration.class) {
            return Map.of("type", "number", "description", "seconds (or an ISO-8601 duration when sent)");
        }
        if (c == URI.class) {
            return Map.of("type", "string", "format", "uri");
        }
        if (c.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object constant : c.getEnumConstants()) {
                names.add(((Enum<?>) constant).name());
            }
            return Map.of("type", "string", "enum", names);
        }
        if (c == Object.class || c.getName().startsWith("com.fasterxml.jackson.databind")) {
            return Map.of(); // any JSON value
        }
        if (c.isRecord()) {
            String name = name(c);
            if (!components.containsKey(name)) {
                components.put(name, Map.of()); // a placeholder first: a record may refer to itself
                components.put(name, record(c));
            }
            return Map.of("$ref", "#/components/schemas/" + name);
        }
        throw new IllegalArgumentException("no JSON schema for " + c.getName() + ": describe it in RecordSchemas");
    }

    private Map<String, Object> record(Class<?> c) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent component : c.getRecordComponents()) {
            properties.put(component.getName(), of(component.getGenericType()));
            if (component.getType().isPrimitive()) {
                required.add(component.getName());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return schema;
    }

    /** A nested record keeps its outer class's name ({@code MetricsView.Sample}, {@code AppRoutes.AppPatch}): unique. */
    private static String name(Class<?> c) {
        return c.getEnclosingClass() == null ? c.getSimpleName() : name(c.getEnclosingClass()) + "." + c.getSimpleName();
    }

    /** {@code List<element>} as a type, for the table of routes. */
    static Type listOf(Class<?> element) {
        return new ListOf(element);
    }
}
