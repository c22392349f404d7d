package dev.skep.model.node;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version range in npm's syntax (the one {@code engines.node} is written in), matched as
 * node-semver matches it: sets joined by {@code ||}, each a list of comparators that must all hold;
 * {@code 1.2.3 - 2.3} hyphen ranges, {@code ^} and {@code ~} ranges, x-ranges ({@code 22},
 * {@code 22.x}, {@code *}) and {@code < <= > >= =} with partial versions. A prerelease satisfies a
 * set only when one of its comparators names a prerelease of the same major.minor.patch.
 */
public final class NodeRange {

    private static final Pattern HYPHEN = Pattern.compile("^(\\S+)\\s+-\\s+(\\S+)$");
    private static final Pattern OPERATOR_SPACE = Pattern.compile("(<=|>=|<|>|=|~>|~|\\^)\\s+");
    private static final String XR = "(\\*|x|X|0|[1-9]\\d{0,8})";
    private static final Pattern SIMPLE = Pattern.compile("^(<=|>=|<|>|=|~>|~|\\^)?v?" + XR + "(?:\\." + XR
            + "(?:\\." + XR + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)?)?$");
    private static final Pattern PARTIAL = Pattern.compile("^v?" + XR + "(?:\\." + XR + "(?:\\." + XR
            + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)?)?$");

    private enum Op { LT, LTE, GT, GTE, EQ }

    private record Comparator(Op op, NodeVersion version) {

        boolean test(NodeVersion v) {
            int c = v.compareTo(version);
            return switch (op) {
                case LT -> c < 0;
                case LTE -> c <= 0;
                case GT -> c > 0;
                case GTE -> c >= 0;
                case EQ -> c == 0;
            };
        }
    }

    /** A version with wildcards: null parts are x. */
    private record Partial(Integer major, Integer minor, Integer patch, List<String> pre) {

        NodeVersion floor() {
            return new NodeVersion(major, minor == null ? 0 : minor, patch == null ? 0 : patch,
                    patch == null ? List.of() : pre);
        }

        NodeVersion full() {
            return new NodeVersion(major, minor, patch, pre);
        }
    }

    private static final List<Comparator> ANY = List.of();
    private static final List<Comparator> NEVER = List.of(new Comparator(Op.LT, NodeVersion.of(0, 0, 0)));

    private final String text;
    private final List<List<Comparator>> sets;

    private NodeRange(String text, List<List<Comparator>> sets) {
        this.text = text;
        this.sets = sets;
    }

    /** @throws IllegalArgumentException naming the part that is not npm range syntax */
    public static NodeRange parse(String text) {
        if (text.length() > 256) {
            throw new IllegalArgumentException("a range of " + text.length() + " characters is too long");
        }
        List<List<Comparator>> sets = new ArrayList<>();
        for (String part : text.strip().split("\\|\\|", -1)) {
            sets.add(set(part.strip(), text));
        }
        return new NodeRange(text.strip(), List.copyOf(sets));
    }

    public boolean test(NodeVersion v) {
        return sets.stream().anyMatch(set -> test(set, v));
    }

    private static boolean test(List<Comparator> set, NodeVersion v) {
        if (!set.stream().allMatch(c -> c.test(v))) {
            return false;
        }
        // as npm: a prerelease only where the range itself names one of that version
        return !v.isPrerelease()
                || set.stream().anyMatch(c -> c.version().isPrerelease() && c.version().sameTuple(v));
    }

    @Override
    public String toString() {
        return text;
    }

    private static List<Comparator> set(String part, String whole) {
        if (part.isEmpty()) {
            return ANY;
        }
        Matcher hyphen = HYPHEN.matcher(part);
        if (hyphen.matches()) {
            return hyphen(partial(hyphen.group(1), whole), partial(hyphen.group(2), whole));
        }
        List<Comparator> out = new ArrayList<>();
        for (String token : OPERATOR_SPACE.matcher(part).replaceAll("$1").split("\\s+")) {
            Matcher m = SIMPLE.matcher(token);
            if (!m.matches()) {
                throw new IllegalArgumentException("\"" + token + "\" in \"" + whole + "\" is not a version or"
                        + " comparator (npm range syntax: 22.x, ^22.1.0, >=20 <23, 20 || 22)");
            }
            out.addAll(simple(m.group(1) == null ? "" : m.group(1),
                    partial(m.group(2), m.group(3), m.group(4), m.group(5))));
        }
        return List.copyOf(out);
    }

    private static Partial partial(String text, String whole) {
        Matcher m = PARTIAL.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" in \"" + whole + "\" is not a version");
        }
        return partial(m.group(1), m.group(2), m.group(3), m.group(4));
    }

    /** Once a part is x, the parts after it are too: 1.x.3 is 1.x. */
    private static Partial partial(String major, String minor, String patch, String pre) {
        Integer ma = number(major);
        Integer mi = ma == null ? null : number(minor);
        Integer pa = mi == null ? null : number(patch);
        List<String> p = pa == null || pre == null ? List.of() : List.of(pre.split("\\."));
        return new Partial(ma, mi, pa, p);
    }

    private static Integer number(String part) {
        return part == null || part.equals("*") || part.equalsIgnoreCase("x") ? null : Integer.valueOf(part);
    }

    private static List<Comparator> simple(String op, Partial p) {
        return switch (op) {
            case "", "=" -> xRange(p);
            case "~", "~>" -> tilde(p);
            case "^" -> caret(p);
            case ">" -> p.major() == null ? NEVER
                    : p.minor() == null ? List.of(gte(p.major() + 1, 0, 0))
                    : p.patch() == null ? List.of(gte(p.major(), p.minor() + 1, 0))
                    : List.of(new Comparator(Op.GT, p.full()));
            case ">=" -> p.major() == null ? ANY : List.of(new Comparator(Op.GTE, p.floor()));
            case "<" -> p.major() == null ? NEVER : List.of(new Comparator(Op.LT, p.floor()));
            case "<=" -> p.major() == null ? ANY
                    : p.minor() == null ? List.of(lt(p.major() + 1, 0, 0))
                    : p.patch() == null ? List.of(lt(p.major(), p.minor() + 1, 0))
                    : List.of(new Comparator(Op.LTE, p.full()));
            default -> throw new IllegalStateException(op);
        };
    }

    private static List<Comparator> xRange(Partial p) {
        if (p.major() == null) {
            return ANY;
        }
        if (p.minor() == null) {
            return List.of(gte(p.major(), 0, 0), lt(p.major() + 1, 0, 0));
        }
        if (p.patch() == null) {
            return List.of(gte(p.major(), p.minor(), 0), lt(p.major(), p.minor() + 1, 0));
        }
        return List.of(new Comparator(Op.EQ, p.full()));
    }

    private static List<Comparator> tilde(Partial p) {
        if (p.major() == null) {
            return ANY;
        }
        if (p.minor() == null) {
            return List.of(gte(p.major(), 0, 0), lt(p.major() + 1, 0, 0));
        }
        return List.of(new Comparator(Op.GTE, p.floor()), lt(p.major(), p.minor() + 1, 0));
    }

    /** Up to the next change of the leftmost non-zero part. */
    private static List<Comparator> caret(Partial p) {
        if (p.major() == null) {
            return ANY;
        }
        Comparator from = new Comparator(Op.GTE, p.floor());
        if (p.minor() == null) {
            return List.of(from, lt(p.major() + 1, 0, 0));
        }
        if (p.major() > 0) {
            return List.of(from, lt(p.major() + 1, 0, 0));
        }
        if (p.patch() == null || p.minor() > 0) {
            return List.of(from, lt(0, p.minor() + 1, 0));
        }
        return List.of(from, lt(0, 0, p.patch() + 1));
    }

    private static List<Comparator> hyphen(Partial from, Partial to) {
        List<Comparator> out = new ArrayList<>();
        if (from.major() != null) {
            out.add(new Comparator(Op.GTE, from.floor()));
        }
        if (to.major() != null) {
            out.add(to.minor() == null ? lt(to.major() + 1, 0, 0)
                    : to.patch() == null ? lt(to.major(), to.minor() + 1, 0)
                    : new Comparator(Op.LTE, to.full()));
        }
        return List.copyOf(out);
    }

    private static Comparator gte(int major, int minor, int patch) {
        return new Comparator(Op.GTE, NodeVersion.of(major, minor, patch));
    }

    private static Comparator lt(int major, int minor, int patch) {
        return new Comparator(Op.LT, NodeVersion.of(major, minor, patch));
    }
}
