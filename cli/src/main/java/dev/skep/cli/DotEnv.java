package dev.skep.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a dotenv file as the dotenv package (and Heroku's local tooling) does: {@code KEY=VALUE} lines,
 * an optional {@code export }, {@code #} comments, values bare (trimmed, a {@code " #"} starts a comment),
 * in single quotes (taken as they are) or in double quotes ({@code \n}, {@code \"} and {@code \\}
 * unescaped, may span lines). A later key wins.
 */
final class DotEnv {

    private static final Pattern LINE = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\\s*=\\s*(.*)$");

    private DotEnv() {
    }

    /** @throws IllegalArgumentException naming the line that is not KEY=VALUE */
    static Map<String, String> parse(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not KEY=VALUE: " + abbreviate(line));
            }
            String key = m.group(1);
            String rest = m.group(2);
            if (rest.startsWith("\"")) {
                StringBuilder raw = new StringBuilder(rest.substring(1));
                int start = i;
                while (closingQuote(raw) < 0) {
                    if (++i >= lines.length) {
                        throw new IllegalArgumentException("line " + (start + 1) + ": the value of " + key
                                + " opens a \" that never closes");
                    }
                    raw.append('\n').append(lines[i]);
                }
                env.put(key, unescape(raw.substring(0, closingQuote(raw))));
            } else if (rest.startsWith("'")) {
                int end = rest.indexOf('\'', 1);
                if (end < 0) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": the value of " + key
                            + " opens a ' that never closes");
                }
                env.put(key, rest.substring(1, end));
            } else {
                int comment = rest.indexOf(" #");
                env.put(key, (comment < 0 ? rest : rest.substring(0, comment)).strip());
            }
        }
        return env;
    }

    /** The index of the first unescaped double quote, or -1. */
    private static int closingQuote(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == '"') {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String abbreviate(String line) {
        String first = line.strip();
        int eq = first.indexOf('=');
        // never echo what may be a secret value
        return eq < 0 ? (first.length() > 40 ? first.substring(0, 40) + "..." : first) : first.substring(0, eq) + "=...";
    }
}
