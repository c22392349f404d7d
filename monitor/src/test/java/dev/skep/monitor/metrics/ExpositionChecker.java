package dev.skep.monitor.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small checker of the Prometheus text exposition format (0.0.4): HELP and TYPE lines, metric and label name
 * syntax, quoted and escaped label values, numeric values, TYPE before a family's samples and at most once.
 * Returns the problems found, with line numbers; and the samples, to assert on.
 */
public final class ExpositionChecker {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    static final Pattern HELP = Pattern.compile("# HELP (\\S+) (.*)");
    static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (counter|gauge|histogram|summary|untyped)");
    static final Pattern SAMPLE = Pattern.compile("([^{\\s]+)(\\{.*\\})? (\\S+)( -?\\d+)?");
    static final Pattern VALUE = Pattern.compile("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?|Inf)|NaN");
    static final Pattern HELP_TEXT_BAD = Pattern.compile("\\\\[^\\\\n]");

    public final List<String> problems = new ArrayList<>();
    public final List<Sample> samples = new ArrayList<>();

    public static ExpositionChecker check(String text) {
        ExpositionChecker c = new ExpositionChecker();
        c.run(text);
        return c;
    }

    private void run(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            problems.add("the text must end with a newline");
        }
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> sampled = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                Matcher m = HELP.matcher(line);
                if (!m.matches() || !NAME.matcher(m.group(1)).matches()) {
                    problems.add(n + ": bad HELP line: " + line);
                } else if (!helped.add(m.group(1))) {
                    problems.add(n + ": second HELP for " + m.group(1));
                } else if (HELP_TEXT_BAD.matcher(m.group(2)).find()) {
                    problems.add(n + ": HELP text has an invalid escape: " + line);
                }
            } else if (line.startsWith("# TYPE ")) {
                Matcher m = TYPE.matcher(line);
                if (!m.matches() || !NAME.matcher(m.group(1)).matches()) {
                    problems.add(n + ": bad TYPE line: " + line);
                } else if (types.put(m.group(1), m.group(2)) != null) {
                    problems.add(n + ": second TYPE for " + m.group(1));
                } else if (sampled.contains(m.group(1))) {
                    problems.add(n + ": TYPE for " + m.group(1) + " after its samples");
                }
            } else if (line.startsWith("#")) {
                continue; // a comment
            } else {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    problems.add(n + ": not a sample line: " + line);
                    continue;
                }
                String name = m.group(1);
                if (!NAME.matcher(name).matches()) {
                    problems.add(n + ": bad metric name '" + name + "'");
                }
                Map<String, String> labels = m.group(2) == null ? Map.of() : labels(m.group(2), n);
                if (!VALUE.matcher(m.group(3)).matches()) {
                    problems.add(n + ": bad value '" + m.group(3) + "'");
                    continue;
                }
                String family = family(name, types);
                if (!types.containsKey(family)) {
                    problems.add(n + ": sample of " + name + " before (or without) its TYPE");
                }
                sampled.add(family);
                samples.add(new Sample(name, labels, parse(m.group(3))));
            }
        }
    }

    private static String family(String name, Map<String, String> types) {
        for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created", "_max")) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private Map<String, String> labels(String braces, int n) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = braces.substring(1, braces.length() - 1);
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                problems.add(n + ": label without '=' in " + braces);
                return out;
            }
            String name = s.substring(i, eq);
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                problems.add(n + ": bad label name '" + name + "'");
            }
            if (eq + 1 >= s.length() || s.charAt(eq + 1) != '"') {
                problems.add(n + ": label value not quoted in " + braces);
                return out;
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            boolean closed = false;
            while (j < s.length()) {
                char c = s.charAt(j);
                if (c == '\\') {
                    char next = j + 1 < s.length() ? s.charAt(j + 1) : ' ';
                    if (next != '\\' && next != '"' && next != 'n') {
                        problems.add(n + ": bad escape in label value in " + braces);
                    }
                    value.append(next == 'n' ? '\n' : next);
                    j += 2;
                } else if (c == '"') {
                    closed = true;
                    j++;
                    break;
                } else {
                    value.append(c);
                    j++;
                }
            }
            if (!closed) {
                problems.add(n + ": unterminated label value in " + braces);
                return out;
            }
            if (out.put(name, value.toString()) != null) {
                problems.add(n + ": label " + name + " twice");
            }
            if (j < s.length()) {
                if (s.charAt(j) != ',') {
                    problems.add(n + ": expected ',' between labels in " + braces);
                    return out;
                }
                j++;
            }
            i = j;
        }
        return out;
    }

    private static double parse(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }
}
